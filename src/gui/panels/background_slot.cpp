#include "panels/background_slot.h"

#include <memory>

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QMimeData>
#include <QMouseEvent>
#include <QFileInfo>
#include <QUrl>

#include "chiaro/image/image_io.h"
#include "image_bridge.h"
#include "util/pool_task.h"

namespace chiaro::gui {

BackgroundSlot::BackgroundSlot(QWidget* parent) : QLabel(parent) {
    setAcceptDrops(true);
    setFocusPolicy(Qt::ClickFocus);
    setAlignment(Qt::AlignCenter);
    setMinimumHeight(56);
    setFrameShape(QFrame::StyledPanel);
    setToolTip(tr("Background for the fbc model: drop a photo here or click to choose one. "
                  "Delete clears it."));
    clear();
}

bool BackgroundSlot::setBackgroundFile(const QString& path) {
    try {
        core::probeImageSize(path.toStdString());  // the header only: a clear refusal at once
    } catch (const std::exception& e) {
        Q_EMIT loadFailed(QString::fromStdString(e.what()));
        return false;
    }
    const quint64 request = ++m_requests;
    m_loading = request;
    setText(tr("Loading %1…").arg(QFileInfo(path).fileName()));
    struct Decoded {
        cv::Mat rgb;
        QImage thumbnail;
    };
    auto decoded = std::make_shared<Decoded>();
    runOnPool(this, [path, decoded] {
        decoded->rgb = core::loadImageRgb(path.toStdString());
        decoded->thumbnail = matToQImage(decoded->rgb).scaled(160, 56, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    }, [this, request, path, decoded](const QString& error) {
        if (request != m_requests) return;  // superseded, or cleared meanwhile
        m_loading = 0;
        if (!error.isEmpty()) {
            if (m_background.empty()) setText(tr("Background: none (drop a photo)"));
            else setPixmap(QPixmap::fromImage(m_thumbnail));
            Q_EMIT loadFailed(error);
            return;
        }
        m_background = decoded->rgb;
        m_path = path;
        m_thumbnail = decoded->thumbnail;
        setPixmap(QPixmap::fromImage(m_thumbnail));
        Q_EMIT backgroundChanged(path);
    });
    return true;
}

void BackgroundSlot::clear() {
    ++m_requests;  // a decode still running is dropped when it ends
    m_loading = 0;
    const bool had = !m_background.empty();
    m_background.release();
    m_thumbnail = QImage();
    m_path.clear();
    setPixmap(QPixmap());
    setText(tr("Background: none (drop a photo)"));
    if (had) Q_EMIT backgroundChanged(QString());
}

void BackgroundSlot::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void BackgroundSlot::dropEvent(QDropEvent* event) {
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.isEmpty() || !urls.first().isLocalFile()) return;
    if (setBackgroundFile(urls.first().toLocalFile())) event->acceptProposedAction();
}

void BackgroundSlot::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) return;
    const QString path = QFileDialog::getOpenFileName(this, tr("Background image"), QString(),
        tr("Images (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff)"));
    if (!path.isEmpty()) setBackgroundFile(path);
}

void BackgroundSlot::keyPressEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Delete || event->key() == Qt::Key_Backspace) {
        clear();
        return;
    }
    QLabel::keyPressEvent(event);
}

}  // namespace chiaro::gui
