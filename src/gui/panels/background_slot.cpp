#include "panels/background_slot.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QMimeData>
#include <QMouseEvent>
#include <QUrl>

#include "chiaro/image/image_io.h"
#include "image_bridge.h"

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
        m_background = core::loadImageRgb(path.toStdString());
    } catch (const std::exception& e) {
        Q_EMIT loadFailed(QString::fromStdString(e.what()));
        return false;
    }
    m_path = path;
    showThumbnail();
    Q_EMIT backgroundChanged(path);
    return true;
}

void BackgroundSlot::clear() {
    const bool had = !m_background.empty();
    m_background.release();
    m_path.clear();
    setPixmap(QPixmap());
    setText(tr("Background: none (drop a photo)"));
    if (had) Q_EMIT backgroundChanged(QString());
}

void BackgroundSlot::showThumbnail() {
    const QImage image = matToQImage(m_background);
    setPixmap(QPixmap::fromImage(image.scaled(160, 56, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
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
