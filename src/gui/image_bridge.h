#pragma once
// QImage <-> cv::Mat conversion at the GUI/core boundary. The core's colour order is RGB (CV_8UC3)
// or RGBA (CV_8UC4); masks are CV_8UC1. Both directions deep-copy row by row, so the QImage's
// 4-byte-aligned bytesPerLine and a cv::Mat's step (ROIs, padding) never leak into the other side.
#include <QImage>

#include <opencv2/core.hpp>

namespace chiaro::gui {

// CV_8UC1 -> Grayscale8, CV_8UC3 (RGB) -> RGB888, CV_8UC4 (RGBA) -> RGBA8888. Other types give a
// null QImage.
QImage matToQImage(const cv::Mat& mat);

// Any QImage -> CV_8UC3 RGB (alpha dropped). A null image gives an empty Mat.
cv::Mat qImageToRgbMat(const QImage& image);
// Any QImage -> CV_8UC1: Grayscale8 as is, images with alpha take the alpha, others their grey value.
cv::Mat qImageToMaskMat(const QImage& image);

}  // namespace chiaro::gui
