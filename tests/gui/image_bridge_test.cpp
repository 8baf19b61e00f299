#include <catch2/catch.hpp>

#include <QImage>

#include <opencv2/core.hpp>

#include "image_bridge.h"

using namespace chiaro::gui;

namespace {
cv::Mat noise(int rows, int cols, int type) {
    cv::Mat m(rows, cols, type);
    cv::randu(m, cv::Scalar::all(0), cv::Scalar::all(256));
    return m;
}
bool sameMat(const cv::Mat& a, const cv::Mat& b) {
    if (a.size() != b.size() || a.type() != b.type()) return false;
    cv::Mat diff;
    cv::absdiff(a, b, diff);
    return cv::countNonZero(diff.reshape(1)) == 0;
}
}  // namespace

TEST_CASE("an RGB Mat survives the trip through a padded QImage", "[gui][bridge]") {
    // Width 7 * 3 bytes = 21: QImage pads every line to 24 bytes; the Mat has no padding.
    const cv::Mat rgb = noise(5, 7, CV_8UC3);
    const QImage image = matToQImage(rgb);
    REQUIRE(image.format() == QImage::Format_RGB888);
    REQUIRE(image.bytesPerLine() == 24);
    const cv::Vec3b px = rgb.at<cv::Vec3b>(4, 6);
    CHECK(image.pixelColor(6, 4) == QColor(px[0], px[1], px[2]));  // R, G, B in that order
    CHECK(sameMat(qImageToRgbMat(image), rgb));
}

TEST_CASE("a Mat region of interest (step larger than its width) converts row by row", "[gui][bridge]") {
    const cv::Mat big = noise(20, 30, CV_8UC1);
    const cv::Mat roi = big(cv::Rect(3, 2, 11, 9));
    REQUIRE(roi.step > size_t(roi.cols));
    const QImage image = matToQImage(roi);
    REQUIRE(image.format() == QImage::Format_Grayscale8);
    CHECK(qGray(image.pixel(10, 8)) == roi.at<uint8_t>(8, 10));
    CHECK(sameMat(qImageToMaskMat(image), roi));
}

TEST_CASE("RGBA keeps its alpha and masks come from alpha or grey", "[gui][bridge]") {
    const cv::Mat rgba = noise(3, 5, CV_8UC4);
    const QImage image = matToQImage(rgba);
    REQUIRE(image.format() == QImage::Format_RGBA8888);
    const cv::Mat alpha = qImageToMaskMat(image);
    CHECK(alpha.at<uint8_t>(2, 4) == rgba.at<cv::Vec4b>(2, 4)[3]);

    QImage grey(9, 3, QImage::Format_RGB32);
    grey.fill(QColor(77, 77, 77));
    const cv::Mat fromGrey = qImageToMaskMat(grey);
    REQUIRE(fromGrey.type() == CV_8UC1);
    CHECK(fromGrey.at<uint8_t>(1, 8) == 77);

    QImage indexed(4, 4, QImage::Format_Indexed8);  // any format converts to RGB
    indexed.setColorTable({qRgb(10, 20, 30)});
    indexed.fill(0);
    CHECK(qImageToRgbMat(indexed).at<cv::Vec3b>(3, 3) == cv::Vec3b(10, 20, 30));
}

TEST_CASE("unsupported or empty inputs give empty results, not crashes", "[gui][bridge]") {
    CHECK(matToQImage(cv::Mat(4, 4, CV_32FC1, cv::Scalar(0))).isNull());
    CHECK(matToQImage(cv::Mat()).isNull());
    CHECK(qImageToRgbMat(QImage()).empty());
    CHECK(qImageToMaskMat(QImage()).empty());
}
