// Parity of pillowResizeLanczos with Pillow 9's Image.resize(..., Image.LANCZOS): the reference is
// computed by the system Pillow on the same pixels, and every byte must match.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "chiaro/core/error.h"
#include "chiaro/image/pillow_resize.h"
#include "python_reference.h"
#include "test_support.h"

using namespace chiaro;
using chiaro::test::TempDir;

namespace {

const char* kResizeScript = R"PY(
import sys
import numpy as np
from PIL import Image
src, out = sys.argv[1], sys.argv[2]
im = Image.open(src)
im.load()
for size in sys.argv[3:]:
    w, h = map(int, size.split('x'))
    r = im.resize((w, h), Image.LANCZOS)
    open(f'{out}/{w}x{h}.raw', 'wb').write(np.asarray(r).tobytes())
)PY";

std::vector<cv::Size> targetSizes(cv::Size in) {
    const int w = in.width;
    const int h = in.height;
    std::vector<cv::Size> sizes{{1, 1}, {1, h}, {w, 1}, {w / 2, h / 3}, {w / 7 + 1, h / 5 + 3},
                                {w * 2 + 1, h * 3}, {w + 7, h}, {w, h + 1}, {w - 1, h - 1}, {13, 200},
                                {3, 2}, {w * 5 / 8, h * 9 / 10}, {w, h}};
    for (cv::Size& s : sizes) s = {std::max(s.width, 1), std::max(s.height, 1)};
    return sizes;
}

// Resizes `image` with Pillow and with Chiaro to every size, and requires identical bytes.
void checkParity(const cv::Mat& image, const std::vector<cv::Size>& sizes) {
    TempDir dir;
    const std::string input = dir.file("input.png");
    test::writePngForPython(input, image);
    std::vector<std::string> args{input, dir.path()};
    for (const cv::Size& s : sizes) args.push_back(std::to_string(s.width) + "x" + std::to_string(s.height));
    test::runPython(kResizeScript, args);
    for (const cv::Size& s : sizes) {
        INFO("from " << image.cols << "x" << image.rows << " x" << image.channels() << " to " << s.width << "x"
                     << s.height);
        const cv::Mat expected = test::readRawImage(
            dir.file(std::to_string(s.width) + "x" + std::to_string(s.height) + ".raw"), s.height, s.width,
            image.channels());
        const cv::Mat actual = core::pillowResizeLanczos(image, s.width, s.height);
        REQUIRE(actual.size() == s);
        REQUIRE(actual.type() == image.type());
        CHECK(cv::norm(actual, expected, cv::NORM_INF) == 0);
    }
}

cv::Mat withAlpha(const cv::Mat& rgb) {
    // A varied alpha: a diagonal ramp with fully transparent and fully opaque bands.
    cv::Mat alpha(rgb.size(), CV_8UC1);
    for (int y = 0; y < alpha.rows; ++y) {
        for (int x = 0; x < alpha.cols; ++x) alpha.at<uchar>(y, x) = cv::saturate_cast<uchar>((x + 2 * y) % 400 - 60);
    }
    cv::Mat rgba;
    cv::merge(std::vector<cv::Mat>{rgb, alpha}, rgba);
    return rgba;
}

}  // namespace

TEST_CASE("Lanczos resize matches Pillow exactly on real RGB photos", "[image][resize]") {
    for (const char* name : {"astronaut.png", "chelsea.png", "rocket.jpg"}) {
        INFO(name);
        const cv::Mat photo = test::sharedPhoto(name);
        checkParity(photo, targetSizes(photo.size()));
    }
}

TEST_CASE("Lanczos resize matches Pillow exactly on crops with odd sizes", "[image][resize]") {
    const cv::Mat photo = test::sharedPhoto("coffee.png");
    for (const cv::Rect& crop : {cv::Rect(101, 57, 97, 61), cv::Rect(300, 200, 1, 1), cv::Rect(10, 10, 1, 33),
                                 cv::Rect(0, 0, 5, 3)}) {
        checkParity(photo(crop).clone(), targetSizes(crop.size()));
    }
}

TEST_CASE("Lanczos resize matches Pillow exactly on grey images", "[image][resize]") {
    cv::Mat grey;
    cv::cvtColor(test::sharedPhoto("chelsea.png"), grey, cv::COLOR_RGB2GRAY);
    checkParity(grey, targetSizes(grey.size()));
}

TEST_CASE("Lanczos resize matches Pillow on RGBA (premultiplied like Pillow)", "[image][resize]") {
    const cv::Mat photo = test::sharedPhoto("coffee.png")(cv::Rect(50, 40, 211, 157)).clone();
    checkParity(withAlpha(photo), {{100, 70}, {422, 314}, {211, 60}, {7, 157}, {1, 1}});
}

TEST_CASE("Lanczos resize matches Pillow on synthetic extremes", "[image][resize]") {
    // Hard edges and the full 0..255 range exercise the clipping of the fixed-point sums.
    cv::Mat checker(40, 52, CV_8UC3);
    for (int y = 0; y < checker.rows; ++y) {
        for (int x = 0; x < checker.cols; ++x) {
            checker.at<cv::Vec3b>(y, x) = ((x / 3 + y / 2) % 2) ? cv::Vec3b(255, 0, 255) : cv::Vec3b(0, 255, 1);
        }
    }
    checkParity(checker, targetSizes(checker.size()));
}

TEST_CASE("same-size resize is a copy", "[image][resize]") {
    const cv::Mat photo = test::sharedPhoto("chelsea.png");
    const cv::Mat copy = core::pillowResizeLanczos(photo, photo.cols, photo.rows);
    CHECK(copy.data != photo.data);
    CHECK(cv::norm(copy, photo, cv::NORM_INF) == 0);
}

TEST_CASE("resize refuses bad arguments with an Error", "[image][resize]") {
    const cv::Mat photo(8, 8, CV_8UC3, cv::Scalar::all(9));
    CHECK_THROWS_AS(core::pillowResizeLanczos(photo, 0, 5), core::Error);
    CHECK_THROWS_AS(core::pillowResizeLanczos(photo, 5, -1), core::Error);
    CHECK_THROWS_AS(core::pillowResizeLanczos(cv::Mat(), 5, 5), core::Error);
    CHECK_THROWS_AS(core::pillowResizeLanczos(cv::Mat(8, 8, CV_32FC3), 5, 5), core::Error);
    CHECK_THROWS_AS(core::resizeAndCenterCrop(photo, 0, 5), core::Error);
}

TEST_CASE("pythonRound rounds halves to even like Python 3", "[image][resize]") {
    CHECK(core::pythonRound(0.5) == 0);
    CHECK(core::pythonRound(1.5) == 2);
    CHECK(core::pythonRound(2.5) == 2);
    CHECK(core::pythonRound(-0.5) == 0);
    CHECK(core::pythonRound(-1.5) == -2);
    CHECK(core::pythonRound(-2.5) == -2);
    CHECK(core::pythonRound(7.5) == 8);
    CHECK(core::pythonRound(6.5) == 6);
    CHECK(core::pythonRound(2.4999999) == 2);
    CHECK(core::pythonRound(2.5000001) == 3);
    CHECK(core::pythonRound(-2.6) == -3);
    CHECK(core::pythonRound(682.6666666666666) == 683);
}

TEST_CASE("resizing a view into a larger image reads only the view", "[image][resize]") {
    const cv::Mat photo = test::sharedPhoto("coffee.png");
    const cv::Rect view(33, 21, 250, 170);
    const cv::Mat fromView = core::pillowResizeLanczos(photo(view), 97, 301);
    const cv::Mat fromCopy = core::pillowResizeLanczos(photo(view).clone(), 97, 301);
    CHECK(cv::norm(fromView, fromCopy, cv::NORM_INF) == 0);
}
