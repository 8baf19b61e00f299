#include "canvas/mask_canvas.h"

#include <cmath>

#include <QPaintEvent>
#include <QPainter>
#include <QResizeEvent>

#include "canvas/brush_tool.h"
#include "canvas/bucket_tool.h"
#include "canvas/eraser_tool.h"
#include "canvas/lasso_tool.h"
#include "canvas/mask_document.h"
#include "canvas/scribble_tool.h"
#include "canvas/subject_tool.h"

namespace chiaro::gui {

MaskCanvas::MaskCanvas(MaskDocument* document, QWidget* parent) : QWidget(parent), m_document(document) {
    setAttribute(Qt::WA_OpaquePaintEvent);  // paintEvent fills every pixel it is asked for
    setAttribute(Qt::WA_AcceptTouchEvents);
    setAttribute(Qt::WA_TabletTracking);
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(200, 150);
    m_tools[ToolId::Brush] = new BrushTool(document, &m_settings, core::BrushMode::Paint, this);
    m_tools[ToolId::Eraser] = new EraserTool(document, &m_settings, this);
    m_tools[ToolId::Lasso] = new LassoTool(document, &m_settings, LassoTool::Mode::Freehand, this);
    m_tools[ToolId::Polygon] = new LassoTool(document, &m_settings, LassoTool::Mode::Polygon, this);
    m_tools[ToolId::Bucket] = new BucketTool(document, &m_settings, this);
    m_tools[ToolId::Subject] = new SubjectTool(document, &m_settings, this);
    m_tools[ToolId::Hints] = new ScribbleTool(document, &m_settings, this);
    for (auto& [id, tool] : m_tools) connect(tool, &CanvasTool::overlayChanged, this, &MaskCanvas::onOverlayChanged);
    connect(document, &MaskDocument::photoChanged, this, &MaskCanvas::onPhotoChanged);
    connect(document, &MaskDocument::maskChanged, this, &MaskCanvas::onMaskChanged);
    connect(document, &MaskDocument::busyChanged, this, [this] { update(); });
    updateCursor();
    if (document->hasPhoto()) onPhotoChanged();
}

void MaskCanvas::setTool(ToolId id) {
    if (id == m_toolId) return;
    tool()->cancel();
    m_toolActive = false;
    m_toolId = id;
    onOverlayChanged();
    Q_EMIT toolChanged(id);
}

void MaskCanvas::setBrushSize(int size) {
    size = std::clamp(size, ToolSettings::kMinSize, ToolSettings::kMaxSize);
    if (size == m_settings.size) return;
    m_settings.size = size;
    onOverlayChanged();
    Q_EMIT brushSizeChanged(size);
}

void MaskCanvas::setOverlayVisible(bool visible) {
    if (visible == m_overlay.visible) return;
    m_overlay.visible = visible;
    update();
    Q_EMIT overlayVisibleChanged(visible);
}

void MaskCanvas::setOverlayColour(const QColor& colour) {
    m_overlay.colour = colour;
    update();
}

void MaskCanvas::setOverlayOpacity(qreal opacity) {
    m_overlay.opacity = std::clamp(opacity, 0.0, 1.0);
    update();
}

void MaskCanvas::syncDevicePixelRatio() {
    const qreal dpr = m_dprOverride > 0 ? m_dprOverride : devicePixelRatioF();
    if (qFuzzyCompare(dpr, m_view.devicePixelRatio())) return;
    // Keep the logical size of the picture: the same image point stays under the centre.
    const qreal logicalScale = m_view.scale();
    m_view.setDevicePixelRatio(dpr);
    m_view.setZoom(logicalScale * dpr, QPointF(width() / 2.0, height() / 2.0));
    if (m_fitted) fitToView();
}

void MaskCanvas::setDevicePixelRatioOverride(qreal dpr) {
    m_dprOverride = dpr;
    syncDevicePixelRatio();
    update();
}

void MaskCanvas::fitToView() {
    syncDevicePixelRatio();
    m_view.fit(m_document->size(), size());
    m_fitted = true;
    update();
    Q_EMIT zoomChanged(m_view.zoom());
}

void MaskCanvas::setZoom(qreal zoom, QPointF anchor) {
    m_view.setZoom(zoom, anchor);
    m_fitted = false;
    update();
    Q_EMIT zoomChanged(m_view.zoom());
}

void MaskCanvas::actualPixels() { setZoom(1.0, QPointF(width() / 2.0, height() / 2.0)); }

PointerEvent MaskCanvas::pointerAt(QPointF widgetPos, PointerSource source, qreal pressure) const {
    PointerEvent e;
    e.widgetPos = widgetPos;
    e.imagePos = m_view.widgetToImage(widgetPos);
    e.source = source;
    e.pressure = std::clamp(pressure, 0.0, 1.0);
    e.viewScale = m_view.scale();
    return e;
}

void MaskCanvas::onPhotoChanged() {
    for (auto& [id, tool] : m_tools) tool->cancel();
    m_toolActive = false;
    if (m_document->pyramid().empty()) {
        m_renderer.setPhoto(m_document->rgb());
    } else {
        m_renderer.setPyramid(m_document->pyramid());
    }
    fitToView();
}

void MaskCanvas::onMaskChanged(const QRect& imageRect) {
    const QRectF widget = m_view.imageToWidget(QRectF(imageRect));
    update(widget.toAlignedRect().adjusted(-2, -2, 2, 2));
}

void MaskCanvas::onOverlayChanged() {
    // Repaint where the tool's overlay was and where it is now.
    const QRectF now = tool()->overlayBounds(m_view);
    update(m_toolOverlay.united(now).toAlignedRect().adjusted(-2, -2, 2, 2));
    m_toolOverlay = now;
}

void MaskCanvas::panBy(QPointF delta) {
    // Whole-pixel scrolls move what is already drawn; only the uncovered strip is rendered.
    m_panRemainder += delta;
    const QPoint step(int(std::trunc(m_panRemainder.x())), int(std::trunc(m_panRemainder.y())));
    if (step.isNull()) return;
    m_panRemainder -= step;
    m_view.panBy(step);
    m_fitted = false;
    scroll(step.x(), step.y());
    onOverlayChanged();
}

void MaskCanvas::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    if (m_fitted) fitToView();
}

void MaskCanvas::paintEvent(QPaintEvent* event) {
    syncDevicePixelRatio();
    QPainter painter(this);
    const qreal dpr = m_view.devicePixelRatio();
    for (const QRect& rect : event->region()) {
        const QRect device(QPoint(int(std::floor(rect.left() * dpr)), int(std::floor(rect.top() * dpr))),
                           QPoint(int(std::ceil((rect.right() + 1) * dpr)) - 1,
                                  int(std::ceil((rect.bottom() + 1) * dpr)) - 1));
        const QImage image = m_renderer.render(device, m_view, m_document->mask(), m_document->scribbles(), m_overlay);
        painter.drawImage(QPointF(device.topLeft()) / dpr, image);
    }
    tool()->paint(painter, m_view);
    m_toolOverlay = tool()->overlayBounds(m_view);
    if (m_document->hasPhoto()) m_paintTiming.reportPaint();
    if (m_document->isBusy()) {
        const QString text = m_document->busyText() + QStringLiteral("…");
        const QRect box = painter.fontMetrics().boundingRect(text).adjusted(-12, -8, 12, 8);
        const QRect placed = box.translated(width() / 2 - box.center().x(), 24 - box.top());
        painter.setPen(Qt::NoPen);
        painter.setBrush(QColor(0, 0, 0, 170));
        painter.drawRoundedRect(placed, 6, 6);
        painter.setPen(Qt::white);
        painter.drawText(placed, Qt::AlignCenter, text);
    }
}

void MaskCanvas::updateCursor() {
    if (m_panFrom) setCursor(Qt::ClosedHandCursor);
    else if (m_spaceHeld) setCursor(Qt::OpenHandCursor);
    else setCursor(Qt::CrossCursor);
}

}  // namespace chiaro::gui
