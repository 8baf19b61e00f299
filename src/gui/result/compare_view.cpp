#include "result/compare_view.h"

#include <algorithm>

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>

namespace chiaro::gui {

CompareView::CompareView(QWidget* parent) : QWidget(parent) {
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(240, 180);
    setCursor(Qt::SplitHCursor);
    setToolTip(tr("Drag to move the before/after line; hold Space to see the original"));
    setAutoFillBackground(true);
    QPalette p = palette();
    p.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
    setPalette(p);
}

void CompareView::setBefore(const QImage& image) {
    m_before = image;
    update();
}

void CompareView::setAfter(const QImage& image) {
    m_after = image;
    update();
}

void CompareView::setCaption(const QString& caption) {
    m_caption = caption;
    update();
}

void CompareView::setWipe(double wipe) {
    m_wipe = std::clamp(wipe, 0.0, 1.0);
    update();
    Q_EMIT wipeChanged(m_wipe);
}

// Both images are drawn into the same rectangle, so the wipe compares the same pixels even when the
// result has another resolution than the photo (highres pass).
QSize CompareView::contentSize() const {
    if (!m_after.isNull()) return m_after.size();
    return m_before.size();
}

QRectF CompareView::imageRect() const {
    const QSize content = contentSize();
    if (content.isEmpty()) return {};
    const QSizeF fitted = QSizeF(content).scaled(QSizeF(size()) - QSizeF(16, 16), Qt::KeepAspectRatio);
    return {QPointF((width() - fitted.width()) / 2, (height() - fitted.height()) / 2), fitted};
}

void CompareView::paintEvent(QPaintEvent*) {
    QPainter painter(this);
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    const QRectF r = imageRect();
    if (r.isEmpty()) {
        painter.setPen(QColor(0xbb, 0xbb, 0xbb));
        painter.drawText(rect(), Qt::AlignCenter, tr("No result yet: set the light and press Generate"));
        return;
    }
    const bool both = !m_before.isNull() && !m_after.isNull();
    if (m_after.isNull() || m_holdOriginal) {
        painter.drawImage(r, m_before.isNull() ? m_after : m_before);
    } else if (!both) {
        painter.drawImage(r, m_after);
    } else {
        const double splitX = r.left() + m_wipe * r.width();
        painter.drawImage(r, m_after);
        painter.save();
        painter.setClipRect(QRectF(r.topLeft(), QPointF(splitX, r.bottom())));
        painter.drawImage(r, m_before);
        painter.restore();
        painter.setPen(QPen(QColor(255, 255, 255, 220), 2));
        painter.drawLine(QPointF(splitX, r.top()), QPointF(splitX, r.bottom()));
    }
    if (!m_caption.isEmpty() || m_holdOriginal) {
        painter.setPen(Qt::white);
        painter.drawText(r.adjusted(8, 6, -8, -6), Qt::AlignTop | Qt::AlignLeft,
                         m_holdOriginal ? tr("Original") : m_caption);
    }
    m_paintTiming.reportPaint();
}

void CompareView::wipeTo(double x) {
    const QRectF r = imageRect();
    if (r.width() > 0) setWipe((x - r.left()) / r.width());
}

void CompareView::mousePressEvent(QMouseEvent* event) {
    if (event->button() == Qt::MiddleButton) {
        m_holdOriginal = true;
        update();
        return;
    }
    wipeTo(event->position().x());
}

void CompareView::mouseMoveEvent(QMouseEvent* event) {
    if (event->buttons() & Qt::LeftButton) wipeTo(event->position().x());
}

void CompareView::mouseReleaseEvent(QMouseEvent* event) {
    if (event->button() == Qt::MiddleButton) {
        m_holdOriginal = false;
        update();
    }
}

void CompareView::keyPressEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Space) {
        m_holdOriginal = true;
        update();
        return;
    }
    QWidget::keyPressEvent(event);
}

void CompareView::keyReleaseEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        m_holdOriginal = false;
        update();
        return;
    }
    QWidget::keyReleaseEvent(event);
}

}  // namespace chiaro::gui
