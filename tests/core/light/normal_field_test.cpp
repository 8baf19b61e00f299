// Silhouette inflation against the analytic shapes it should reproduce.
#include <catch2/catch.hpp>

#include <cmath>

#include <opencv2/imgproc.hpp>

#include "chiaro/light/normal_field.h"

using namespace chiaro::core;

namespace {

// Mean angle (degrees) between `normals` and the analytic normal `expected(x, y)` over pixels whose
// distance to the silhouette edge is at least `margin` (the edge pixels are necessarily coarse).
template <typename Fn>
double meanAngleError(const cv::Mat& normals, const cv::Mat& mask, double margin, Fn expected) {
    cv::Mat dist;
    cv::distanceTransform(mask, dist, cv::DIST_L2, 3);
    double sum = 0;
    int count = 0;
    for (int y = 0; y < mask.rows; ++y)
        for (int x = 0; x < mask.cols; ++x) {
            if (dist.at<float>(y, x) < margin)
                continue;
            const cv::Vec3d n(normals.at<cv::Vec3f>(y, x));
            const cv::Vec3d e = expected(x + 0.0, y + 0.0);
            sum += std::acos(std::clamp(n.dot(e) / cv::norm(e), -1.0, 1.0)) * 180.0 / CV_PI;
            ++count;
        }
    return count ? sum / count : 180.0;
}

}  // namespace

TEST_CASE("a disc inflates to a hemisphere", "[light]") {
    const int size = 301;
    const double r = 110, c = 150;
    cv::Mat mask(size, size, CV_8UC1, cv::Scalar(0));
    cv::circle(mask, {150, 150}, int(r), cv::Scalar(255), cv::FILLED, cv::LINE_8);
    const cv::Mat normals = silhouetteNormals(mask);
    REQUIRE(normals.type() == CV_32FC3);
    const double err = meanAngleError(normals, mask, 4.0, [&](double x, double y) {
        const double dx = (x - c) / r, dy = (c - y) / r;
        return cv::Vec3d(dx, dy, std::sqrt(std::max(0.0, 1.0 - dx * dx - dy * dy)));
    });
    INFO("mean error " << err << " deg");
    CHECK(err < 3.0);
    const cv::Mat z = inflateSilhouette(mask);
    CHECK(z.at<float>(150, 150) == Approx(r).epsilon(0.05));   // height = radius at the centre
    CHECK(normals.at<cv::Vec3f>(0, 0) == cv::Vec3f(0, 0, 1));  // outside: facing the camera
}

TEST_CASE("an ellipse inflates to a half ellipsoid", "[light]") {
    cv::Mat mask(240, 360, CV_8UC1, cv::Scalar(0));
    const double a = 150, b = 80;  // semi-axes along x and y
    cv::ellipse(mask, {180, 120}, {int(a), int(b)}, 0, 0, 360, cv::Scalar(255), cv::FILLED);
    // ∇²h = -4 with h = K(1 - x²/a² - y²/b²) gives K = 2a²b²/(a²+b²): depth semi-axis sqrt(K).
    const double depth = std::sqrt(2 * a * a * b * b / (a * a + b * b));
    const double err = meanAngleError(silhouetteNormals(mask), mask, 4.0, [&](double x, double y) {
        const double px = x - 180, py = 120 - y;
        const double k = std::max(0.0, 1 - px * px / (a * a) - py * py / (b * b));
        const double z = depth * std::sqrt(k);
        return cv::Vec3d(px / (a * a), py / (b * b), z / (depth * depth));
    });
    INFO("mean error " << err << " deg");
    CHECK(err < 3.0);
}

TEST_CASE("normals point outward: left edge left, top edge up", "[light]") {
    cv::Mat mask(200, 200, CV_8UC1, cv::Scalar(0));
    cv::rectangle(mask, cv::Rect(40, 60, 120, 80), cv::Scalar(255), cv::FILLED);
    const cv::Mat n = silhouetteNormals(mask);
    CHECK(n.at<cv::Vec3f>(100, 42)[0] < -0.5f);
    CHECK(n.at<cv::Vec3f>(100, 157)[0] > 0.5f);
    CHECK(n.at<cv::Vec3f>(62, 100)[1] > 0.5f);
    CHECK(n.at<cv::Vec3f>(137, 100)[1] < -0.5f);
    CHECK(n.at<cv::Vec3f>(100, 100)[2] > 0.95f);
}

TEST_CASE("detail relief bends normals only inside the mask", "[light]") {
    cv::Mat mask(64, 64, CV_8UC1, cv::Scalar(0));
    mask(cv::Rect(0, 0, 32, 64)).setTo(255);
    cv::Mat image(64, 64, CV_8UC3);
    cv::randu(image, 0, 255);
    const cv::Mat base = silhouetteNormals(mask);
    cv::Mat bent = base.clone();
    addDetailRelief(bent, image, mask, 1.0);
    CHECK(cv::norm(bent(cv::Rect(32, 0, 32, 64)), base(cv::Rect(32, 0, 32, 64)), cv::NORM_INF) ==
          0);
    CHECK(cv::norm(bent(cv::Rect(4, 4, 24, 56)), base(cv::Rect(4, 4, 24, 56)), cv::NORM_INF) >
          0.05);
    cv::Mat same = base.clone();
    addDetailRelief(same, image, mask, 0.0);
    CHECK(cv::norm(same, base, cv::NORM_INF) == 0);
}
