#pragma once
// QImage <-> cv::Mat conversion at the GUI/core boundary. The core's colour order is RGB (CV_8UC3)
// or RGBA (CV_8UC4); masks are CV_8UC1. Both directions deep-copy row by row, so the QImage's
// 4-byte-aligned bytesPerLine and a cv::Mat's step (ROIs, padding) never leak into the other side.
#include <string>

#include <QImage>

#include <opencv2/core.hpp>

namespace chiaro::gui {

// CV_8UC1 -> Grayscale8, CV_8UC3 (RGB) -> RGB888, CV_8UC4 (RGBA) -> RGBA8888. Other types give a
// null QImage.
QImage matToQImage(const cv::Mat& mat);

// A result of any size for the screen: 8- or 16-bit RGB / RGBA pixels in the colour space of
// `iccProfile` (empty = sRGB) -> 8-bit sRGB RGB888, or RGBA8888 with the alpha kept (16-bit alpha
// divided by 257). Colour conversion via core::photoToSrgb8; slow for big images, so call it off the
// UI thread (the engine worker does). Other types give a null QImage; a bad profile throws.
QImage displayImage(const cv::Mat& image, const std::string& iccProfile);

// What the app shows of an engine result: displayImage of its screen-sized proxy
// (core::displayProxy): the compare view, history and variants only show it, and a 24 MP RGB888
// copy per history entry would be 72 MB and a slow paint. Made on the engine thread.
QImage resultDisplayImage(const cv::Mat& image, const std::string& iccProfile);

// Any QImage -> CV_8UC3 RGB (alpha dropped). A null image gives an empty Mat.
cv::Mat qImageToRgbMat(const QImage& image);
// Any QImage -> CV_8UC1: Grayscale8 as is, images with alpha take the alpha, others their grey value.
cv::Mat qImageToMaskMat(const QImage& image);

}  // namespace chiaro::gui
