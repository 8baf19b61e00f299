#include "image_fixtures.h"

#include <catch2/catch.hpp>

#include <memory>

#include "python_reference.h"
#include "test_support.h"

namespace chiaro::test {
namespace {

const TempDir& fixtureDir() {
    // Made on first use, removed at exit: every image_io test shares one run of the script.
    static const std::unique_ptr<TempDir> dir = [] {
        auto made = std::make_unique<TempDir>();
        const std::string script = sourceDir() + "/tests/core/image/make_image_fixtures.py";
        runPython("import runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')",
                  {script, sharedDir() + "/data/photos/coffee.png", made->path()});
        return made;
    }();
    return *dir;
}

}  // namespace

std::string fixturePath(const std::string& name) { return fixtureDir().file(name); }

cv::Mat pillowPixels(const std::string& name, int channels, cv::Size size) {
    return readRawImage(fixturePath(name + ".raw"), size.height, size.width, channels);
}

double maxDifference(const cv::Mat& a, const cv::Mat& b) {
    REQUIRE(a.size() == b.size());
    REQUIRE(a.type() == b.type());
    return cv::norm(a, b, cv::NORM_INF);
}

}  // namespace chiaro::test
