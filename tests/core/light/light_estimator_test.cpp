// Light estimation on synthetic renders with known light (synthetic_scene.h).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "chiaro/core/error.h"
#include "chiaro/light/light_estimator.h"
#include "chiaro/light/normal_field.h"
#include "synthetic_scene.h"

using namespace chiaro::core;
using namespace chiaro::test;

namespace {

std::array<double, 3> estimatedVector(const LightEstimate& e) {
    return lightVector(e.direction.azimuth, e.direction.elevation);
}

const char* kBackgrounds[] = {"coffee.png", "chelsea.png", "astronaut.png", "rocket.jpg"};

// A random light in the range a photo shows: from the front hemisphere, up to ~75° off the camera.
std::array<double, 3> randomFrontLight(std::mt19937& rng) {
    std::uniform_real_distribution<double> az(-70.0, 70.0), el(-50.0, 60.0);
    return lightVector(az(rng), el(rng));
}

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5))];
}

}  // namespace

TEST_CASE("the fit recovers the light exactly from exact normals", "[light]") {
    const int size = 128;
    cv::Mat normals(size, size, CV_32FC3, cv::Vec3f(0, 0, 1)), lum(size, size, CV_32F, 0.0f);
    cv::Mat selection(size, size, CV_8UC1, cv::Scalar(0));
    const auto light = lightVector(250, 25);
    for (int y = 0; y < size; ++y)
        for (int x = 0; x < size; ++x) {
            const double dx = (x - 63.5) / 60, dy = (63.5 - y) / 60, r2 = dx * dx + dy * dy;
            if (r2 >= 1)
                continue;
            const cv::Vec3d n(dx, dy, std::sqrt(1 - r2));
            normals.at<cv::Vec3f>(y, x) = cv::Vec3f(n);
            lum.at<float>(y, x) =
                float(0.1 + 0.7 * std::max(0.0, n.dot(cv::Vec3d(light[0], light[1], light[2]))));
            selection.at<uchar>(y, x) = 255;
        }
    const LightEstimate e = fitLightToNormals(lum, normals, selection);
    CHECK(angleDeg(estimatedVector(e), light) < 0.5);
    CHECK(e.confidence > 0.8);
    CHECK(e.ambientFraction == Approx(0.1 / 0.8).margin(0.02));
}

TEST_CASE("estimation on synthetic solids over photos is within 10 deg median and 25 deg worst",
          "[light]") {
    std::mt19937 rng(20240601);
    std::uniform_real_distribution<double> ambient(0.05, 0.35);
    const Solid solids[] = {Solid::Sphere, Solid::Ellipsoid, Solid::Capsule};
    std::vector<double> errors;
    double confidenceSum = 0;
    for (int i = 0; i < 72; ++i) {
        SceneSpec spec;
        spec.solid = solids[i % 3];
        spec.light = randomFrontLight(rng);
        spec.ambient = ambient(rng);
        spec.textured = (i / 3) % 2 == 1;
        spec.noiseSigma = 2.0;
        spec.backgroundPhoto = kBackgrounds[i % 4];
        spec.seed = 1000u + unsigned(i);
        if (i % 8 == 0)
            spec.width = 384, spec.height = 320;  // exercises the downscaled path too
        const Scene scene = renderScene(spec);
        const LightEstimate e = estimateLight(scene.image, scene.mask);
        const double err = angleDeg(estimatedVector(e), spec.light);
        INFO("scene " << i << " solid " << int(spec.solid) << " textured " << spec.textured
                      << " error " << err);
        CHECK(std::isfinite(e.confidence));
        CHECK_FALSE(e.wholeImage);
        errors.push_back(err);
        confidenceSum += e.confidence;
    }
    const double median = percentile(errors, 0.5), worst = percentile(errors, 1.0);
    INFO("median " << median << " deg, 90th " << percentile(errors, 0.9) << ", worst " << worst
                   << ", mean confidence " << confidenceSum / errors.size());
    CHECK(median < 10.0);
    CHECK(worst < 25.0);
    CHECK(confidenceSum / errors.size() > 0.3);
}

TEST_CASE("an upright cylinder gives the horizontal direction of the light", "[light]") {
    // Its normals have no vertical component, so only the light's direction in the x-z plane is
    // observable; that is what is checked, and the confidence must say the rest is uncertain.
    std::mt19937 rng(7);
    std::vector<double> errors;
    for (int i = 0; i < 16; ++i) {
        SceneSpec spec;
        spec.solid = Solid::UprightCylinder;
        spec.light = randomFrontLight(rng);
        spec.noiseSigma = 2.0;
        spec.backgroundPhoto = kBackgrounds[i % 4];
        spec.seed = 50u + unsigned(i);
        const Scene scene = renderScene(spec);
        const LightEstimate e = estimateLight(scene.image, scene.mask);
        const auto v = estimatedVector(e);
        errors.push_back(angleDeg({v[0], 0, v[2]}, {spec.light[0], 0, spec.light[2]}));
    }
    INFO("median " << percentile(errors, 0.5) << ", worst " << percentile(errors, 1.0));
    CHECK(percentile(errors, 0.5) < 10.0);
    CHECK(percentile(errors, 1.0) < 25.0);
}

TEST_CASE("an empty mask estimates over the whole image with lower confidence", "[light]") {
    SceneSpec spec;
    spec.light = lightVector(300, 20);
    spec.backgroundPhoto = "";  // plain grey around the sphere
    const Scene scene = renderScene(spec);
    const LightEstimate withMask = estimateLight(scene.image, scene.mask);
    const cv::Mat empty(scene.mask.size(), CV_8UC1, cv::Scalar(0));
    for (const cv::Mat& m : {empty, cv::Mat()}) {
        const LightEstimate whole = estimateLight(scene.image, m);
        CHECK(whole.wholeImage);
        CHECK(std::isfinite(whole.direction.azimuth));
        CHECK(whole.confidence < withMask.confidence);
        CHECK(whole.confidence <= 0.5);
    }
}

TEST_CASE("a mask of another size is resized to the image", "[light]") {
    SceneSpec spec;
    spec.light = lightVector(45, -20);
    spec.width = spec.height = 320;
    spec.backgroundPhoto = "chelsea.png";
    const Scene scene = renderScene(spec);
    cv::Mat small;
    cv::resize(scene.mask, small, cv::Size(160, 160), 0, 0, cv::INTER_AREA);
    const LightEstimate e = estimateLight(scene.image, small);
    CHECK_FALSE(e.wholeImage);
    CHECK(angleDeg(estimatedVector(e), spec.light) < 10.0);
}

TEST_CASE("black, flat and tiny inputs give confidence 0 and no NaN", "[light]") {
    const cv::Mat black(200, 300, CV_8UC3, cv::Scalar(0, 0, 0));
    cv::Mat mask(200, 300, CV_8UC1, cv::Scalar(0));
    cv::circle(mask, {150, 100}, 60, cv::Scalar(255), cv::FILLED);
    for (const cv::Mat& m : {mask, cv::Mat()}) {
        const LightEstimate e = estimateLight(black, m);
        CHECK(e.confidence == 0.0);
        CHECK(std::isfinite(e.direction.azimuth));
        CHECK(std::isfinite(e.direction.elevation));
    }
    const cv::Mat grey(200, 300, CV_8UC3, cv::Scalar(90, 90, 90));
    CHECK(estimateLight(grey, mask).confidence < 0.05);
    const cv::Mat pixel(1, 1, CV_8UC3, cv::Scalar(200, 10, 10));
    const LightEstimate one = estimateLight(pixel);
    CHECK(one.confidence == 0.0);
    CHECK(std::isfinite(one.direction.elevation));
}

TEST_CASE("estimation rejects what is not an RGB image or a grey mask", "[light]") {
    const auto badInput = [](const cv::Mat& image, const cv::Mat& mask) {
        try {
            estimateLight(image, mask);
        } catch (const Error& e) {
            return e.code() == ErrorCode::BadInput;
        }
        return false;
    };
    CHECK(badInput(cv::Mat(), cv::Mat()));
    CHECK(badInput(cv::Mat(10, 10, CV_8UC1, cv::Scalar(1)), cv::Mat()));
    CHECK(badInput(cv::Mat(10, 10, CV_32FC3, cv::Scalar(1)), cv::Mat()));
    CHECK(badInput(cv::Mat(10, 10, CV_8UC3, cv::Scalar(1)),
                   cv::Mat(10, 10, CV_8UC3, cv::Scalar(255))));
}
