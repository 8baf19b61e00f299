#include "canvas/subject_tool.h"

#include <QLineF>
#include <QPen>

#include "canvas/mask_document.h"
#include "chiaro/mask/grabcut.h"

namespace chiaro::gui {

void SubjectTool::press(const PointerEvent& event) {
    if (!m_document->hasPhoto() || m_document->isBusy()) return;
    m_start = event.imagePos;
    m_end = event.imagePos;
    Q_EMIT overlayChanged();
}

void SubjectTool::move(const PointerEvent& event) {
    if (!m_start) return;
    m_end = event.imagePos;
    Q_EMIT overlayChanged();
}

QRect SubjectTool::imageRect() const {
    const QRectF r = QRectF(*m_start, m_end).normalized();
    return r.toAlignedRect() & QRect(QPoint(0, 0), m_document->size());
}

void SubjectTool::release(const PointerEvent& event) {
    if (!m_start) return;
    m_end = event.imagePos;
    const bool click = QLineF(*m_start, m_end).length() * event.viewScale < kMinDrag;
    QRect rect = imageRect();
    m_start.reset();
    Q_EMIT overlayChanged();
    if (click) {
        const cv::Rect r = core::defaultSubjectRect({m_document->size().width(), m_document->size().height()});
        rect = QRect(r.x, r.y, r.width, r.height);
    }
    m_document->autoSelect(rect);
}

void SubjectTool::cancel() {
    m_start.reset();
    Q_EMIT overlayChanged();
}

QRectF SubjectTool::overlayBounds(const ViewTransform& view) const {
    if (!m_start) return {};
    return view.imageToWidget(QRectF(*m_start, m_end).normalized()).adjusted(-3, -3, 3, 3);
}

void SubjectTool::paint(QPainter& painter, const ViewTransform& view) const {
    if (!m_start) return;
    const QRectF r = view.imageToWidget(QRectF(*m_start, m_end).normalized());
    painter.setBrush(Qt::NoBrush);
    painter.setPen(QPen(Qt::black, 1.0));
    painter.drawRect(r);
    painter.setPen(QPen(Qt::white, 1.0, Qt::DashLine));
    painter.drawRect(r);
}

}  // namespace chiaro::gui
