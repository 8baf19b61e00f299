#include "canvas/mask_document.h"

#include <QFileInfo>
#include <QtConcurrent/QtConcurrentRun>

#include <opencv2/imgproc.hpp>

#include "canvas/mask_edit_command.h"
#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"
#include "chiaro/light/display_proxy.h"
#include "chiaro/image/image_io.h"
#include "chiaro/mask/grabcut.h"
#include "chiaro/mask/subject_selection.h"
#include "image_bridge.h"

namespace chiaro::gui {

namespace {
cv::Rect toCvRect(const QRect& r) { return {r.x(), r.y(), r.width(), r.height()}; }
QRect toQRect(const cv::Rect& r) { return {r.x, r.y, r.width, r.height}; }
}  // namespace

MaskDocument::MaskDocument(QObject* parent) : QObject(parent) {
    m_undo.setUndoLimit(kUndoLimit);
    connect(&m_watcher, &QFutureWatcher<AutoResult>::finished, this, &MaskDocument::finishAutoSelect);
}

MaskDocument::~MaskDocument() { m_watcher.waitForFinished(); }

void MaskDocument::setPhoto(const QImage& photo) { setPhoto(qImageToRgbMat(photo), {}); }

void MaskDocument::setPhoto(const cv::Mat& rgb, std::vector<cv::Mat> pyramid) {
    m_rgb = rgb;
    m_pyramid = std::move(pyramid);
    if (!m_pyramid.empty() && m_pyramid.front().data != m_rgb.data) m_pyramid.clear();
    m_mask = cv::Mat::zeros(m_rgb.size(), CV_8UC1);
    m_scribbles.release();
    m_undo.clear();
    ++m_photoGeneration;
    Q_EMIT photoChanged();
}

void MaskDocument::ensureScribbles() {
    if (m_scribbles.empty() && hasPhoto()) m_scribbles = cv::Mat::zeros(m_rgb.size(), CV_8UC1);
}

void MaskDocument::clearScribbles() {
    m_scribbles.release();
    Q_EMIT maskChanged(QRect(QPoint(0, 0), size()));
}

size_t MaskDocument::undoBytes() const {
    size_t bytes = 0;
    for (int i = 0; i < m_undo.count(); ++i)
        if (auto* edit = dynamic_cast<const MaskEditCommand*>(m_undo.command(i))) bytes += edit->byteSize();
    return bytes;
}

void MaskDocument::pushEdit(const QString& text, core::MaskTileDelta delta) {
    if (delta.empty()) return;
    const QRect bounds = toQRect(delta.bounds());
    m_undo.push(new MaskEditCommand(this, text, std::move(delta)));
    Q_EMIT maskChanged(bounds);
}

void MaskDocument::edit(const QString& text, const QRect& region, const std::function<void(cv::Mat&)>& edit) {
    if (!hasPhoto()) return;
    pushEdit(text, core::MaskTileDelta::record(m_mask, toCvRect(region), edit));
}

QString MaskDocument::importMask(const QString& path) {
    if (!hasPhoto()) throw core::Error(core::ErrorCode::Usage, "mask import: open a photo first");
    return importMask(core::loadMask(path.toStdString()), QFileInfo(path).fileName());
}

QString MaskDocument::importMask(cv::Mat loaded, const QString& fileName) {
    if (!hasPhoto()) throw core::Error(core::ErrorCode::Usage, "mask import: open a photo first");
    QString note = QObject::tr("Mask %1 loaded").arg(fileName);
    if (loaded.size() != m_rgb.size()) {
        note = QObject::tr("Mask %1 is %2×%3; scaled to the photo's %4×%5")
                   .arg(fileName)
                   .arg(loaded.cols).arg(loaded.rows).arg(m_rgb.cols).arg(m_rgb.rows);
        loaded = core::maskAtSize(loaded, m_rgb.size());
    }
    edit(QObject::tr("Import mask"), {}, [&loaded](cv::Mat& mask) { loaded.copyTo(mask); });
    return note;
}

void MaskDocument::exportMask(const QString& path) const {
    if (!hasPhoto()) throw core::Error(core::ErrorCode::Usage, "mask export: there is no mask to save");
    core::savePng(path.toStdString(), m_mask);
}

QString MaskDocument::sidecarMaskPath(const QString& photoPath) {
    const QFileInfo info(photoPath);
    return info.path() + "/" + info.completeBaseName() + "_mask.png";
}

bool MaskDocument::loadSidecarMask(const QString& photoPath) {
    const QString sidecar = sidecarMaskPath(photoPath);
    if (photoPath.startsWith(':') || !QFileInfo::exists(sidecar)) return false;
    try {
        importMask(sidecar);
        m_undo.clear();  // the loaded mask is the starting point, not an undoable step
        return true;
    } catch (const std::exception& e) {
        core::namedLogger("gui")->warn("{}: not loaded: {}", sidecar.toStdString(), e.what());
        return false;
    }
}

void MaskDocument::setSidecarMask(const cv::Mat& loaded, const QString& fileName) {
    importMask(loaded, fileName);
    m_undo.clear();
}

void MaskDocument::autoSelect(const QRect& rect) {
    const cv::Mat rgb = m_rgb;
    const cv::Rect r = toCvRect(rect);
    startAutoSelect(QObject::tr("Select subject"), [rgb, r] { return core::grabCutFromRect(rgb, r); });
}

void MaskDocument::autoSelectSubject() {
    const cv::Mat rgb = m_rgb;
    startAutoSelect(QObject::tr("Select subject"), [rgb] { return core::selectSubject(rgb); });
}

void MaskDocument::autoSelectFromScribbles() {
    const cv::Mat rgb = m_rgb, scribbles = m_scribbles.empty() ? cv::Mat() : m_scribbles.clone();
    const cv::Mat prior = m_mask.clone();
    startAutoSelect(QObject::tr("Refine selection"), [rgb, scribbles, prior] {
        const cv::Mat labels = scribbles.empty() ? cv::Mat::zeros(rgb.size(), CV_8UC1) : scribbles;
        return core::grabCutFromScribbles(rgb, labels, prior);
    });
}

bool MaskDocument::editAsync(const QString& text, std::function<void(cv::Mat&)> edit) {
    if (!hasPhoto() || isBusy()) return false;
    cv::Mat mask = m_mask.clone();  // the operation works on its own copy
    startAutoSelect(text, [mask, edit = std::move(edit)]() mutable {
        edit(mask);
        return mask;
    });
    return true;
}

void MaskDocument::startAutoSelect(const QString& text, std::function<cv::Mat()> work) {
    if (!hasPhoto() || isBusy()) return;
    m_pendingText = text;
    m_pendingGeneration = m_photoGeneration;
    // No exception may cross the thread: it comes back as text.
    m_watcher.setFuture(QtConcurrent::run([work = std::move(work)]() -> AutoResult {
        try {
            return {work(), {}};
        } catch (const std::exception& e) {
            return {cv::Mat(), QString::fromStdString(e.what())};
        }
    }));
    m_poolBusy = true;
    Q_EMIT busyChanged(true);
}

void MaskDocument::finishAutoSelect() {
    const AutoResult result = m_watcher.result();
    m_poolBusy = false;
    Q_EMIT busyChanged(false);
    applyAutoResult(result);
}

bool MaskDocument::beginExternalSelect(const QString& text) {
    if (!hasPhoto() || isBusy()) return false;
    m_externalBusy = true;
    m_pendingText = text;
    m_pendingGeneration = m_photoGeneration;
    Q_EMIT busyChanged(true);
    return true;
}

void MaskDocument::finishExternalSelect(const cv::Mat& matte, const QString& error) {
    if (!m_externalBusy) return;
    m_externalBusy = false;
    Q_EMIT busyChanged(false);
    AutoResult result{matte, error};
    if (error.isEmpty() && (matte.type() != CV_8UC1 || matte.size() != m_rgb.size()) &&
        m_pendingGeneration == m_photoGeneration) {
        result = {cv::Mat(), QObject::tr("%1: the selection does not fit the photo").arg(m_pendingText)};
    }
    applyAutoResult(result);
}

void MaskDocument::applyAutoResult(const AutoResult& result) {
    if (m_pendingGeneration != m_photoGeneration) return;  // the photo changed meanwhile
    if (!result.error.isEmpty()) {
        Q_EMIT autoSelectFinished(false, result.error);
        return;
    }
    edit(m_pendingText, {}, [&result](cv::Mat& mask) { result.mask.copyTo(mask); });
    Q_EMIT autoSelectFinished(true, QObject::tr("%1: done").arg(m_pendingText));
}

}  // namespace chiaro::gui
