#include "canvas/canvas_renderer.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "chiaro/light/display_proxy.h"
#include "chiaro/mask/grabcut.h"

namespace chiaro::gui {

namespace {

constexpr int kSmallestLevel = 256;

// Samples `source` (`sourceScale` source px per image px) for the device pixels `visible` of the
// view. Only the part of `source` under `visible` (plus a margin for interpolation) is read.
cv::Mat sampleView(const cv::Mat& source, double sourceScale, const QRect& visible, const ViewTransform& view,
                   int interpolation) {
    const double k = sourceScale / view.zoom();  // source px per device px
    const QPointF origin = view.offset() * view.devicePixelRatio();
    const cv::Rect all(0, 0, source.cols, source.rows);
    const cv::Rect roi = cv::Rect(cv::Point(int(std::floor((visible.left() - origin.x()) * k)) - 2,
                                            int(std::floor((visible.top() - origin.y()) * k)) - 2),
                                  cv::Point(int(std::ceil((visible.left() + visible.width() - origin.x()) * k)) + 2,
                                            int(std::ceil((visible.top() + visible.height() - origin.y()) * k)) + 2)) &
                         all;
    cv::Mat dst(visible.height(), visible.width(), source.type(), cv::Scalar::all(0));
    if (roi.empty()) return dst;
    // dst index j -> device centre visible.x + j + 0.5 -> source centre-index (… - origin) * k - 0.5.
    const double tx = (visible.left() + 0.5 - origin.x()) * k - 0.5 - roi.x;
    const double ty = (visible.top() + 0.5 - origin.y()) * k - 0.5 - roi.y;
    const cv::Matx23d inverse(k, 0, tx, 0, k, ty);
    cv::warpAffine(source(roi), dst, inverse, dst.size(), interpolation | cv::WARP_INVERSE_MAP,
                   cv::BORDER_REPLICATE);
    return dst;
}

// A mask-like image reduced by an integer factor (area average, or max for labels), so a zoomed-out
// view does not skip thin strokes.
cv::Mat reduced(const cv::Mat& source, int factor, bool labels) {
    if (factor <= 1) return source;
    cv::Mat out;
    if (labels) {
        cv::Mat grown;
        cv::dilate(source, grown, cv::Mat::ones(factor, factor, CV_8UC1), cv::Point(0, 0));
        cv::resize(grown, out, cv::Size((source.cols + factor - 1) / factor, (source.rows + factor - 1) / factor),
                   0, 0, cv::INTER_NEAREST);
    } else {
        cv::resize(source, out, cv::Size((source.cols + factor - 1) / factor, (source.rows + factor - 1) / factor),
                   0, 0, cv::INTER_AREA);
    }
    return out;
}

// Samples a full-resolution mask or label image for the device pixels `visible`. Zoomed out, only
// the block-aligned part under `visible` is first reduced by an integer factor.
cv::Mat sampleRegion(const cv::Mat& full, bool labels, const QRect& visible, const ViewTransform& view) {
    const int factor = view.zoom() < 0.5 ? int(std::floor(1.0 / view.zoom())) : 1;
    const QRectF area = QRectF(visible).translated(-view.offset() * view.devicePixelRatio());
    cv::Rect roi(cv::Point(int(std::floor(area.left() / view.zoom())) - 2 * factor,
                           int(std::floor(area.top() / view.zoom())) - 2 * factor),
                 cv::Point(int(std::ceil(area.right() / view.zoom())) + 2 * factor,
                           int(std::ceil(area.bottom() / view.zoom())) + 2 * factor));
    roi.x = std::max(0, roi.x / factor * factor);
    roi.y = std::max(0, roi.y / factor * factor);
    roi &= cv::Rect(0, 0, full.cols, full.rows);
    if (roi.empty()) return cv::Mat::zeros(visible.height(), visible.width(), CV_8UC1);
    const cv::Mat small = reduced(full(roi), factor, labels);
    // Sample the reduced block as if it were a whole image whose origin is roi.tl().
    ViewTransform local = view;
    local.setOffset(view.imageToWidget(QPointF(roi.x, roi.y)));
    const int interpolation = factor > 1 && !labels ? cv::INTER_LINEAR : cv::INTER_NEAREST;
    return sampleView(small, 1.0 / factor, visible, local, interpolation);
}

// Blends `colour` over `out` (RGB) with per-pixel alpha `alpha` (0..255) times `opacity`.
void tint(cv::Mat& out, const cv::Mat& alpha, const QColor& colour, double opacity) {
    const float c[3] = {float(colour.red()), float(colour.green()), float(colour.blue())};
    const float scale = float(opacity) / 255.0f;
    for (int y = 0; y < out.rows; ++y) {
        cv::Vec3b* px = out.ptr<cv::Vec3b>(y);
        const uint8_t* a = alpha.ptr<uint8_t>(y);
        for (int x = 0; x < out.cols; ++x) {
            if (a[x] == 0) continue;
            const float w = a[x] * scale;
            for (int ch = 0; ch < 3; ++ch) px[x][ch] = uint8_t(px[x][ch] + (c[ch] - px[x][ch]) * w + 0.5f);
        }
    }
}

// The device pixels of the whole image, rounded outwards.
QRect imageDeviceRect(cv::Size size, const ViewTransform& view) {
    const QPointF tl = view.imageToDevice(QPointF(0, 0));
    const QPointF br = view.imageToDevice(QPointF(size.width, size.height));
    return QRect(QPoint(int(std::floor(tl.x())), int(std::floor(tl.y()))),
                 QPoint(int(std::ceil(br.x())) - 1, int(std::ceil(br.y())) - 1));
}

}  // namespace

void CanvasRenderer::setPhoto(const cv::Mat& rgb) { m_levels = buildPyramid(rgb); }

std::vector<cv::Mat> CanvasRenderer::buildPyramid(const cv::Mat& rgb) {
    return core::halvingPyramid(rgb, kSmallestLevel);
}

QImage CanvasRenderer::render(const QRect& deviceRect, const ViewTransform& view, const cv::Mat& mask,
                              const cv::Mat& scribbles, const OverlayStyle& style) const {
    QImage image(deviceRect.size(), QImage::Format_RGB888);
    image.setDevicePixelRatio(view.devicePixelRatio());
    cv::Mat out(image.height(), image.width(), CV_8UC3, image.bits(), size_t(image.bytesPerLine()));
    out.setTo(cv::Scalar(kBackground.red(), kBackground.green(), kBackground.blue()));
    if (m_levels.empty()) return image;
    const QRect visible = deviceRect & imageDeviceRect(photoSize(), view);
    if (visible.isEmpty()) return image;
    cv::Mat target = out(cv::Rect(visible.x() - deviceRect.x(), visible.y() - deviceRect.y(), visible.width(),
                                  visible.height()));
    drawPhoto(target, visible, view);
    if (style.visible && mask.size() == photoSize()) drawOverlay(target, visible, view, mask, style);
    if (!scribbles.empty() && scribbles.size() == photoSize()) drawScribbles(target, visible, view, scribbles);
    return image;
}

void CanvasRenderer::drawPhoto(cv::Mat& out, const QRect& visible, const ViewTransform& view) const {
    size_t level = 0;  // the smallest level that is still at least as large as what is shown
    while (level + 1 < m_levels.size() && std::ldexp(1.0, -int(level + 1)) >= view.zoom()) ++level;
    const int interpolation = view.zoom() >= 1.0 ? cv::INTER_NEAREST : cv::INTER_LINEAR;
    sampleView(m_levels[level], std::ldexp(1.0, -int(level)), visible, view, interpolation).copyTo(out);
}

void CanvasRenderer::drawOverlay(cv::Mat& out, const QRect& visible, const ViewTransform& view, const cv::Mat& mask,
                                 const OverlayStyle& style) const {
    const cv::Mat alpha = sampleRegion(mask, false, visible, view);
    tint(out, alpha, style.colour, style.opacity);
}

void CanvasRenderer::drawScribbles(cv::Mat& out, const QRect& visible, const ViewTransform& view,
                                   const cv::Mat& scribbles) const {
    const cv::Mat sampled = sampleRegion(scribbles, true, visible, view);
    const auto subject = static_cast<uint8_t>(core::ScribbleLabel::Subject);
    const auto background = static_cast<uint8_t>(core::ScribbleLabel::Background);
    tint(out, (sampled == subject) / 255 * 220, kSubjectHint, 1.0);
    tint(out, (sampled == background) / 255 * 220, kBackgroundHint, 1.0);
}

}  // namespace chiaro::gui
