#include "worker/photo_loader.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

#include <QFileInfo>

#include "canvas/canvas_renderer.h"
#include "canvas/mask_document.h"
#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"
#include "chiaro/image/image_io.h"
#include "chiaro/light/display_proxy.h"
#include "image_bridge.h"

namespace chiaro::gui {
namespace {

struct Outcome {
    LoadedPhotoPtr photo;
    QString error;
};

// What the views need besides the pixels themselves.
void prepareViews(LoadedPhoto& loaded) {
    loaded.display = matToQImage(core::displayProxy(loaded.pixels.image));
    loaded.pyramid = CanvasRenderer::buildPyramid(loaded.pixels.image);
}

void loadSidecarMask(LoadedPhoto& loaded, const QString& photoPath) {
    const QString sidecar = MaskDocument::sidecarMaskPath(photoPath);
    if (!QFileInfo::exists(sidecar)) return;
    try {
        loaded.sidecarMask = core::loadMask(sidecar.toStdString());
        loaded.sidecarMaskName = QFileInfo(sidecar).fileName();
    } catch (const std::exception& e) {
        core::namedLogger("gui")->warn("{}: not loaded: {}", sidecar.toStdString(), e.what());
    }
}

Outcome decodeOutcome(const QString& path) {
    Outcome outcome;
    try {
        outcome.photo = LoadedPhoto::decode(path);
    } catch (const std::exception& e) {
        outcome.error = QString::fromStdString(e.what());
    }
    return outcome;
}

}  // namespace

LoadedPhotoPtr LoadedPhoto::fromImage(const QImage& image) {
    auto loaded = std::make_shared<LoadedPhoto>();
    loaded->photo.pixels = qImageToRgbMat(image);
    loaded->photo.colourSpace = "sRGB";
    core::setJobPhoto(loaded->pixels, loaded->photo);
    loaded->view = matToQImage(loaded->pixels.image);
    prepareViews(*loaded);
    return loaded;
}

LoadedPhotoPtr LoadedPhoto::decode(const QString& path) {
    if (path.startsWith(':')) {
        const QImage image(path);
        if (image.isNull()) {
            throw core::Error(core::ErrorCode::BadInput, path.toStdString() + ": not a readable image");
        }
        return fromImage(image);
    }
    auto loaded = std::make_shared<LoadedPhoto>();
    loaded->photo = core::loadPhoto(path.toStdString());
    core::setJobPhoto(loaded->pixels, loaded->photo);
    loaded->view = matToQImage(loaded->pixels.image);
    if (loaded->view.isNull()) {
        throw core::Error(core::ErrorCode::BadInput, path.toStdString() + ": not enough memory to show it");
    }
    prepareViews(*loaded);
    loadSidecarMask(*loaded, path);
    return loaded;
}

PhotoLoader::PhotoLoader(QObject* parent) : QObject(parent) {
    qRegisterMetaType<LoadedPhotoPtr>("chiaro::gui::LoadedPhotoPtr");
}

PhotoLoader::~PhotoLoader() = default;

quint64 PhotoLoader::load(const QString& path) {
    const quint64 ticket = ++m_latest;
    const bool wasIdle = m_pending == 0;
    m_pending = ticket;
    if (wasIdle) Q_EMIT busyChanged(true);
    auto* watcher = new QFutureWatcher<Outcome>(this);
    connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher, ticket, path] {
        watcher->deleteLater();
        if (ticket != m_latest) return;  // superseded by a later open
        m_pending = 0;
        Q_EMIT busyChanged(false);
        const Outcome outcome = watcher->result();
        if (outcome.photo) {
            Q_EMIT loaded(path, outcome.photo);
        } else {
            core::namedLogger("gui")->warn("cannot open {}: {}", path.toStdString(), outcome.error.toStdString());
            Q_EMIT failed(path, outcome.error);
        }
    });
    watcher->setFuture(QtConcurrent::run(decodeOutcome, path));
    return ticket;
}

}  // namespace chiaro::gui
