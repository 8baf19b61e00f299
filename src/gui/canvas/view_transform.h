#pragma once
// Zoom and pan of the canvas, and the mapping between logical widget pixels, device pixels and
// image pixels. Zoom counts DEVICE pixels per image pixel, so "100 %" shows one image pixel on one
// physical screen pixel on every devicePixelRatio; the logical scale is zoom / devicePixelRatio.
#include <QPointF>
#include <QRectF>
#include <QSize>

namespace chiaro::gui {

class ViewTransform {
public:
    static constexpr qreal kMinZoom = 0.01;
    static constexpr qreal kMaxZoom = 64.0;

    qreal zoom() const { return m_zoom; }
    qreal devicePixelRatio() const { return m_dpr; }
    qreal scale() const { return m_zoom / m_dpr; }  // logical widget px per image px
    QPointF offset() const { return m_offset; }     // logical widget position of image (0, 0)

    void setDevicePixelRatio(qreal dpr);
    void setOffset(QPointF offset) { m_offset = offset; }
    void panBy(QPointF delta) { m_offset += delta; }
    // Sets the zoom (clamped) keeping the image point under `anchor` (logical widget px) in place.
    void setZoom(qreal zoom, QPointF anchor);
    // Whole image visible and centred in `view` (logical px) with `margin` around it.
    void fit(QSize imageSize, QSize view, int margin = 8);
    // 100 %, keeping the image point under `anchor` in place.
    void actualPixels(QPointF anchor) { setZoom(1.0, anchor); }

    QPointF widgetToImage(QPointF widget) const { return (widget - m_offset) / scale(); }
    QPointF imageToWidget(QPointF image) const { return image * scale() + m_offset; }
    QRectF imageToWidget(const QRectF& image) const;
    QRectF widgetToImage(const QRectF& widget) const;
    // Device pixels (what the renderer fills) from image pixels.
    QPointF imageToDevice(QPointF image) const { return image * m_zoom + m_offset * m_dpr; }

private:
    qreal m_zoom = 1.0;
    qreal m_dpr = 1.0;
    QPointF m_offset;
};

}  // namespace chiaro::gui
