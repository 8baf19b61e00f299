#include "test_photos.h"

#include <cmath>

#include <opencv2/imgproc.hpp>

namespace chiaro::test {

cv::Mat printedLabelPhoto(cv::Size size) {
    cv::Mat image(size, CV_8UC3);
    for (int y = 0; y < size.height; ++y) {
        for (int x = 0; x < size.width; ++x) {
            image.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<uint8_t>(60 + 120 * x / size.width),
                                                  static_cast<uint8_t>(90 + 80 * y / size.height), 140);
        }
    }
    const cv::Rect label(size.width / 8, size.height / 6, size.width * 3 / 4, size.height * 2 / 3);
    cv::rectangle(image, label, cv::Scalar(235, 230, 220), cv::FILLED);
    for (int line = 0; line < 40; ++line) {
        const int y = label.y + 30 + line * (label.height - 40) / 40;
        cv::putText(image, "Ingredients: water, sugar, 0.5% citric acid - lot 4711", {label.x + 20, y},
                    cv::FONT_HERSHEY_PLAIN, 0.9, cv::Scalar(20, 20, 30), 1, cv::LINE_AA);
    }
    return image;
}

cv::Mat highBand(const cv::Mat& image, double sigma) {
    cv::Mat f, low;
    image.convertTo(f, CV_32F);
    cv::GaussianBlur(f, low, cv::Size(0, 0), sigma);
    return f - low;
}

double correlation(const cv::Mat& a, const cv::Mat& b) {
    cv::Mat fa, fb;
    a.reshape(1).convertTo(fa, CV_64F);
    b.reshape(1).convertTo(fb, CV_64F);
    fa -= cv::mean(fa)[0];
    fb -= cv::mean(fb)[0];
    return fa.dot(fb) / std::sqrt(fa.dot(fa) * fb.dot(fb));
}

double psnr(const cv::Mat& a, const cv::Mat& b) { return cv::PSNR(a, b, a.depth() == CV_16U ? 65535 : 255); }

}  // namespace chiaro::test
