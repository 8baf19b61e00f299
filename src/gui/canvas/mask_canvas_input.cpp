// MaskCanvas input: mouse, tablet and touch become PointerEvents for the active tool; wheel, pinch,
// keys and the middle button drive the view.
#include <cmath>

#include <QKeyEvent>
#include <QMouseEvent>
#include <QNativeGestureEvent>
#include <QTabletEvent>
#include <QTouchEvent>
#include <QWheelEvent>

#include "canvas/mask_canvas.h"
#include "canvas/mask_document.h"

namespace chiaro::gui {

namespace {

constexpr qreal kWheelZoomStep = 1.25;  // per wheel notch (120 units)
constexpr qreal kSizeStep = 1.1;        // brush size factor per notch or bracket key

int resized(int size, int notches) {
    const int next = int(std::lround(size * std::pow(kSizeStep, notches)));
    return next == size ? size + (notches > 0 ? 1 : -1) : next;  // small brushes still change
}

}  // namespace

void MaskCanvas::mousePressEvent(QMouseEvent* event) {
    setFocus(Qt::MouseFocusReason);
    if (event->button() == Qt::MiddleButton || (event->button() == Qt::LeftButton && m_spaceHeld)) {
        m_panFrom = event->position();
        updateCursor();
        return;
    }
    if (event->button() != Qt::LeftButton && event->button() != Qt::RightButton) return;
    PointerEvent e = pointerAt(event->position(), PointerSource::Mouse, 1.0);
    e.button = event->button();
    e.buttons = event->buttons();
    e.modifiers = event->modifiers();
    if (m_document->isBusy()) return;  // its result replaces the mask: a stroke now would be lost
    m_toolActive = true;
    tool()->press(e);
}

void MaskCanvas::mouseMoveEvent(QMouseEvent* event) {
    if (m_panFrom) {
        panBy(event->position() - *m_panFrom);
        m_panFrom = event->position();
        return;
    }
    PointerEvent e = pointerAt(event->position(), PointerSource::Mouse, 1.0);
    e.button = Qt::NoButton;
    e.buttons = m_toolActive ? event->buttons() : Qt::NoButton;
    e.modifiers = event->modifiers();
    tool()->move(e);
}

void MaskCanvas::mouseReleaseEvent(QMouseEvent* event) {
    if (m_panFrom && (event->button() == Qt::MiddleButton || event->button() == Qt::LeftButton)) {
        m_panFrom.reset();
        updateCursor();
        return;
    }
    if (!m_toolActive) return;
    PointerEvent e = pointerAt(event->position(), PointerSource::Mouse, 1.0);
    e.button = event->button();
    e.buttons = event->buttons();
    e.modifiers = event->modifiers();
    m_toolActive = false;
    tool()->release(e);
}

void MaskCanvas::mouseDoubleClickEvent(QMouseEvent* event) {
    PointerEvent e = pointerAt(event->position(), PointerSource::Mouse, 1.0);
    e.button = event->button();
    e.modifiers = event->modifiers();
    tool()->doubleClick(e);
}

void MaskCanvas::tabletEvent(QTabletEvent* event) {
    // Accepted tablet events produce no synthetic mouse events, so the pressure is not lost.
    event->accept();
    PointerEvent e = pointerAt(event->position(), PointerSource::Tablet, event->pressure());
    e.button = event->button();
    e.buttons = event->buttons();
    e.modifiers = event->modifiers();
    e.invert = event->pointerType() == QPointingDevice::PointerType::Eraser;
    switch (event->type()) {
        case QEvent::TabletPress:
            if (event->button() != Qt::LeftButton && event->button() != Qt::RightButton) return;
            if (m_document->isBusy()) return;  // as for the mouse
            m_toolActive = true;
            tool()->press(e);
            break;
        case QEvent::TabletMove:
            if (!m_toolActive) e.buttons = Qt::NoButton;
            tool()->move(e);
            break;
        case QEvent::TabletRelease:
            if (!m_toolActive) return;
            m_toolActive = false;
            tool()->release(e);
            break;
        default: break;
    }
}

void MaskCanvas::touchEvent(QTouchEvent* event) {
    const auto& points = event->points();
    if (points.size() >= 2) {
        // Two fingers: pinch to zoom, move to pan. A stroke started by the first finger is dropped.
        if (m_toolActive) {
            tool()->cancel();
            m_toolActive = false;
        }
        const QPointF a = points[0].position(), b = points[1].position();
        const QPointF centre = (a + b) / 2.0;
        const qreal distance = std::max(1.0, std::hypot(a.x() - b.x(), a.y() - b.y()));
        if (m_pinchDistance <= 0.0 || event->type() == QEvent::TouchBegin ||
            points[1].state() == QEventPoint::State::Pressed) {
            m_pinchDistance = distance;
            m_pinchZoom = m_view.zoom();
            m_pinchCentre = centre;
            return;
        }
        panBy(centre - m_pinchCentre);
        m_pinchCentre = centre;
        setZoom(m_pinchZoom * distance / m_pinchDistance, centre);
        return;
    }
    m_pinchDistance = 0.0;
    if (points.isEmpty()) return;
    const QEventPoint& point = points.first();
    const qreal pressure = point.pressure() > 0 ? point.pressure() : 1.0;
    PointerEvent e = pointerAt(point.position(), PointerSource::Touch, pressure);
    if (event->type() == QEvent::TouchBegin) {
        if (m_document->isBusy()) return;  // as for the mouse
        m_toolActive = true;
        tool()->press(e);
    } else if (event->type() == QEvent::TouchUpdate && m_toolActive) {
        tool()->move(e);
    } else if (m_toolActive) {  // TouchEnd or TouchCancel
        m_toolActive = false;
        if (event->type() == QEvent::TouchCancel) tool()->cancel();
        else tool()->release(e);
    }
}

void MaskCanvas::nativeGesture(QNativeGestureEvent* event) {
    if (event->gestureType() == Qt::ZoomNativeGesture)
        setZoom(m_view.zoom() * (1.0 + event->value()), event->position());
}

bool MaskCanvas::event(QEvent* event) {
    switch (event->type()) {
        case QEvent::TouchBegin:
        case QEvent::TouchUpdate:
        case QEvent::TouchEnd:
        case QEvent::TouchCancel:
            touchEvent(static_cast<QTouchEvent*>(event));
            event->accept();
            return true;
        case QEvent::NativeGesture:
            nativeGesture(static_cast<QNativeGestureEvent*>(event));
            return true;
        case QEvent::ScreenChangeInternal:  // moved to a screen with another devicePixelRatio
            syncDevicePixelRatio();
            update();
            break;
        default: break;
    }
    return QWidget::event(event);
}

void MaskCanvas::wheelEvent(QWheelEvent* event) {
    // Alt turns vertical wheels horizontal on some platforms: take whichever axis moved.
    const QPoint angle = event->angleDelta();
    const int delta = angle.y() != 0 ? angle.y() : angle.x();
    if (event->modifiers() & Qt::AltModifier) {
        const int notches = delta / 120 != 0 ? delta / 120 : (delta > 0 ? 1 : -1);
        if (delta != 0) setBrushSize(resized(m_settings.size, notches));
    } else if (!event->pixelDelta().isNull() && !(event->modifiers() & Qt::ControlModifier)) {
        panBy(event->pixelDelta());  // trackpad two-finger scroll
    } else if (delta != 0) {
        setZoom(m_view.zoom() * std::pow(kWheelZoomStep, delta / 120.0), event->position());
    }
    event->accept();
}

void MaskCanvas::keyPressEvent(QKeyEvent* event) {
    switch (event->key()) {
        case Qt::Key_Space:
            if (!event->isAutoRepeat()) m_spaceHeld = true;
            updateCursor();
            return;
        case Qt::Key_BracketLeft: setBrushSize(resized(m_settings.size, -1)); return;
        case Qt::Key_BracketRight: setBrushSize(resized(m_settings.size, 1)); return;
        case Qt::Key_Q: setOverlayVisible(!m_overlay.visible); return;
        case Qt::Key_Escape:
            tool()->cancel();
            m_toolActive = false;
            return;
        case Qt::Key_Return:
        case Qt::Key_Enter:
            if (tool()->confirm()) return;
            break;
        default: break;
    }
    QWidget::keyPressEvent(event);
}

void MaskCanvas::keyReleaseEvent(QKeyEvent* event) {
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        m_spaceHeld = false;
        updateCursor();
        return;
    }
    QWidget::keyReleaseEvent(event);
}

void MaskCanvas::leaveEvent(QEvent* event) {
    QWidget::leaveEvent(event);
    tool()->leave();
}

}  // namespace chiaro::gui
