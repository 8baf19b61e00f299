// resizeAndCenterCrop against IC-Light's resize_and_center_crop run by the system Python + Pillow.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "chiaro/core/atomic_file.h"
#include "chiaro/image/pillow_resize.h"
#include "python_reference.h"
#include "test_support.h"

using namespace chiaro;
using chiaro::test::TempDir;

namespace {

// IC-Light's gradio_demo.py function, verbatim apart from the loop and the output.
const char* kCropScript = R"PY(
import sys
import numpy as np
from PIL import Image
def resize_and_center_crop(image, target_width, target_height):
    pil_image = Image.fromarray(image)
    original_width, original_height = pil_image.size
    scale_factor = max(target_width / original_width, target_height / original_height)
    resized_width = int(round(original_width * scale_factor))
    resized_height = int(round(original_height * scale_factor))
    resized_image = pil_image.resize((resized_width, resized_height), Image.LANCZOS)
    left = (resized_width - target_width) / 2
    top = (resized_height - target_height) / 2
    right = (resized_width + target_width) / 2
    bottom = (resized_height + target_height) / 2
    cropped_image = resized_image.crop((left, top, right, bottom))
    return np.array(cropped_image)
img = np.array(Image.open(sys.argv[1]))
for size in sys.argv[3:]:
    w, h = map(int, size.split('x'))
    r = resize_and_center_crop(img, w, h)
    open(f'{sys.argv[2]}/{w}x{h}.raw', 'wb').write(r.tobytes())
    open(f'{sys.argv[2]}/{w}x{h}.shape', 'w').write(f'{r.shape[1]}x{r.shape[0]}')
)PY";

}  // namespace

TEST_CASE("resizeAndCenterCrop matches IC-Light's Python function", "[image][resize]") {
    const std::vector<cv::Size> sizes{{512, 640}, {640, 512}, {1024, 768}, {512, 512}, {64, 64},
                                      {300, 200}, {768, 1024}, {256, 1024}, {100, 30}};
    for (const char* name : {"chelsea.png", "rocket.jpg", "astronaut.png"}) {
        INFO(name);
        const cv::Mat photo = test::sharedPhoto(name);
        TempDir dir;
        test::writePngForPython(dir.file("in.png"), photo);
        std::vector<std::string> args{dir.file("in.png"), dir.path()};
        for (const cv::Size& s : sizes) args.push_back(std::to_string(s.width) + "x" + std::to_string(s.height));
        test::runPython(kCropScript, args);
        for (const cv::Size& s : sizes) {
            const std::string stem = dir.file(std::to_string(s.width) + "x" + std::to_string(s.height));
            INFO("target " << s.width << "x" << s.height);
            // With even targets Python's crop is always exactly W x H.
            REQUIRE(core::readFileBytes(stem + ".shape") == std::to_string(s.width) + "x" + std::to_string(s.height));
            const cv::Mat expected = test::readRawImage(stem + ".raw", s.height, s.width, 3);
            const cv::Mat actual = core::resizeAndCenterCrop(photo, s.width, s.height);
            REQUIRE(actual.size() == s);
            CHECK(cv::norm(actual, expected, cv::NORM_INF) == 0);
        }
    }
}

TEST_CASE("resizeAndCenterCrop always returns the requested size", "[image][resize]") {
    const cv::Mat image(31, 17, CV_8UC3, cv::Scalar(10, 20, 30));
    for (const cv::Size& s : {cv::Size(1, 1), cv::Size(33, 7), cv::Size(5, 99), cv::Size(17, 31)}) {
        const cv::Mat out = core::resizeAndCenterCrop(image, s.width, s.height);
        CHECK(out.size() == s);
        CHECK(out.type() == CV_8UC3);
    }
}

TEST_CASE("resizeWithoutCrop resizes to exactly the target", "[image][resize]") {
    const cv::Mat photo = test::sharedPhoto("coffee.png");
    const cv::Mat out = core::resizeWithoutCrop(photo, 320, 512);
    CHECK(out.size() == cv::Size(320, 512));
    CHECK(cv::norm(out, core::pillowResizeLanczos(photo, 320, 512), cv::NORM_INF) == 0);
}
