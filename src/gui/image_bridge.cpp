#include "image_bridge.h"

#include "chiaro/light/display_proxy.h"

#include <cstring>
#include <vector>

#include "chiaro/image/photo.h"

namespace chiaro::gui {

namespace {

// Copies rows of `bytesPerRow` bytes between buffers with different strides.
void copyRows(const uchar* src, qsizetype srcStride, uchar* dst, qsizetype dstStride, int rows,
              qsizetype bytesPerRow) {
    for (int y = 0; y < rows; ++y) std::memcpy(dst + y * dstStride, src + y * srcStride, bytesPerRow);
}

cv::Mat copyToMat(const QImage& image, int type, int channels) {
    cv::Mat mat(image.height(), image.width(), type);
    copyRows(image.constBits(), image.bytesPerLine(), mat.data, static_cast<qsizetype>(mat.step),
             image.height(), static_cast<qsizetype>(image.width()) * channels);
    return mat;
}

}  // namespace

QImage matToQImage(const cv::Mat& mat) {
    QImage::Format format;
    switch (mat.type()) {
        case CV_8UC1: format = QImage::Format_Grayscale8; break;
        case CV_8UC3: format = QImage::Format_RGB888; break;
        case CV_8UC4: format = QImage::Format_RGBA8888; break;
        default: return {};
    }
    if (mat.empty()) return {};
    QImage image(mat.cols, mat.rows, format);
    if (image.isNull()) return {};  // allocation failed
    copyRows(mat.data, static_cast<qsizetype>(mat.step), image.bits(), image.bytesPerLine(), mat.rows,
             static_cast<qsizetype>(mat.cols) * mat.channels());
    return image;
}

QImage displayImage(const cv::Mat& image, const std::string& iccProfile) {
    if (image.empty() || (image.depth() != CV_8U && image.depth() != CV_16U) ||
        (image.channels() != 3 && image.channels() != 4)) {
        return {};
    }
    if (image.type() == CV_8UC3 && iccProfile.empty()) return matToQImage(image);
    core::Photo photo;
    photo.iccProfile = iccProfile;
    cv::Mat alpha;
    if (image.channels() == 4) {
        std::vector<cv::Mat> planes;
        cv::split(image, planes);
        alpha = planes[3];
        planes.pop_back();
        cv::merge(planes, photo.pixels);
    } else {
        photo.pixels = image;
    }
    const cv::Mat srgb = core::photoToSrgb8(photo);
    if (alpha.empty()) return matToQImage(srgb);
    if (alpha.depth() == CV_16U) alpha.convertTo(alpha, CV_8U, 1.0 / 257.0);
    cv::Mat rgba;
    cv::merge(std::vector<cv::Mat>{srgb, alpha}, rgba);
    return matToQImage(rgba);
}

QImage resultDisplayImage(const cv::Mat& image, const std::string& iccProfile) {
    return displayImage(core::displayProxy(image), iccProfile);
}

cv::Mat qImageToRgbMat(const QImage& image) {
    if (image.isNull()) return {};
    const QImage rgb = image.format() == QImage::Format_RGB888 ? image : image.convertToFormat(QImage::Format_RGB888);
    return copyToMat(rgb, CV_8UC3, 3);
}

cv::Mat qImageToMaskMat(const QImage& image) {
    if (image.isNull()) return {};
    if (image.hasAlphaChannel()) {
        const QImage alpha = image.convertToFormat(QImage::Format_Alpha8);
        return copyToMat(alpha, CV_8UC1, 1);
    }
    const QImage grey = image.format() == QImage::Format_Grayscale8
                            ? image
                            : image.convertToFormat(QImage::Format_Grayscale8);
    return copyToMat(grey, CV_8UC1, 1);
}

}  // namespace chiaro::gui
