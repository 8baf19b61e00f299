#include "canvas/bucket_tool.h"

#include <cmath>

#include "canvas/mask_document.h"
#include "chiaro/mask/mask_ops.h"

namespace chiaro::gui {

void BucketTool::press(const PointerEvent& event) {
    if (!m_document->hasPhoto()) return;
    const cv::Point seed(int(std::floor(event.imagePos.x())), int(std::floor(event.imagePos.y())));
    if (!cv::Rect(0, 0, m_document->mask().cols, m_document->mask().rows).contains(seed)) return;
    const uint8_t value = event.subtracts() ? 0 : 255;
    const bool byMask = event.modifiers & Qt::ShiftModifier;
    const cv::Mat rgb = byMask ? cv::Mat() : m_document->rgb();
    const int tolerance = byMask ? 0 : m_settings->tolerance;
    m_document->edit(value ? tr("Bucket fill") : tr("Bucket clear"), {},
                     [&](cv::Mat& mask) { core::bucketFill(mask, rgb, seed, tolerance, value); });
}

}  // namespace chiaro::gui
