#pragma once
// Synthetic photos with the detail real product shots have (fine print on a label), and the image
// measures the full-resolution tests share.
#include <opencv2/core.hpp>

namespace chiaro::test {

// A "product shot": a light label with 40 lines of small printed text on a coloured gradient. RGB 8-bit.
cv::Mat printedLabelPhoto(cv::Size size);

// The picture minus its Gaussian blur (float, per channel): what is finer than `sigma` pixels.
cv::Mat highBand(const cv::Mat& image, double sigma);

// Pearson correlation of two pictures of the same size and channels (all channels together).
double correlation(const cv::Mat& a, const cv::Mat& b);

// PSNR for 8- or 16-bit pictures (peak 255 or 65535).
double psnr(const cv::Mat& a, const cv::Mat& b);

}  // namespace chiaro::test
