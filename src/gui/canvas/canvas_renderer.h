#pragma once
// Draws what the canvas shows for one device-pixel rectangle: the photo (from a half-size pyramid
// when zoomed out), the mask as a tinted overlay and the GrabCut scribbles. Works on exactly the
// requested rectangle, so a brush dab repaints a few thousand pixels, not the 24 MP photo.
// Photo colour order RGB (CV_8UC3), mask CV_8UC1 (255 = selected), scribbles core::ScribbleLabel.
#include <vector>

#include <QColor>
#include <QImage>
#include <QRect>

#include <opencv2/core.hpp>

#include "canvas/view_transform.h"

namespace chiaro::gui {

struct OverlayStyle {
    QColor colour = QColor(40, 110, 255);  // a blue that few subjects (skin, products, food) share
    qreal opacity = 0.5;  // at mask value 255
    bool visible = true;
};

class CanvasRenderer {
public:
    static inline const QColor kBackground = QColor(43, 43, 43);
    static inline const QColor kSubjectHint = QColor(64, 220, 96);
    static inline const QColor kBackgroundHint = QColor(64, 150, 255);

    // Shares the photo's pixels and builds the pyramid (levels of 1/2, 1/4, … down to ~256 px).
    void setPhoto(const cv::Mat& rgb);
    // The same levels, built elsewhere (the photo loader builds them on Qt's pool: at 24 MP they
    // take tens of milliseconds the UI thread should not spend). [0] must be the photo.
    void setPyramid(std::vector<cv::Mat> levels) { m_levels = std::move(levels); }
    static std::vector<cv::Mat> buildPyramid(const cv::Mat& rgb);
    cv::Size photoSize() const { return m_levels.empty() ? cv::Size() : m_levels[0].size(); }

    // The image for the device pixels `deviceRect` (device-pixel ratio taken from `view`).
    QImage render(const QRect& deviceRect, const ViewTransform& view, const cv::Mat& mask,
                  const cv::Mat& scribbles, const OverlayStyle& style) const;

private:
    void drawPhoto(cv::Mat& out, const QRect& visible, const ViewTransform& view) const;
    void drawOverlay(cv::Mat& out, const QRect& visible, const ViewTransform& view, const cv::Mat& mask,
                     const OverlayStyle& style) const;
    void drawScribbles(cv::Mat& out, const QRect& visible, const ViewTransform& view,
                       const cv::Mat& scribbles) const;

    std::vector<cv::Mat> m_levels;  // [0] is the photo itself
};

}  // namespace chiaro::gui
