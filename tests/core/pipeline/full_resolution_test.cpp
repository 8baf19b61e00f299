// The photo-size output (issue #17): framing, the working size, and the full-resolution compositor
// on real photos from ../shared/data/photos and on generated pictures with fine print.
#include <catch2/catch.hpp>

#include <atomic>
#include <set>

#include <opencv2/imgproc.hpp>

#include "chiaro/core/error.h"
#include "chiaro/image/image_io.h"
#include "chiaro/image/pillow_resize.h"
#include "chiaro/pipeline/framing.h"
#include "chiaro/pipeline/full_resolution.h"
#include "pipeline/row_upsampler.h"
#include "test_photos.h"
#include "test_support.h"

using namespace chiaro;
using test::correlation;
using test::highBand;
using test::psnr;

namespace {

// A "relit" generated picture: the photo at the working size, darker on the left, warmer on the
// right, as a diffusion result with light from the right would be.
cv::Mat relitAtWorkingSize(const cv::Mat& photo, cv::Size working) {
    cv::Mat small = core::pillowResizeLanczos(photo, working.width, working.height);
    cv::Mat relit(small.size(), CV_8UC3);
    for (int y = 0; y < small.rows; ++y) {
        for (int x = 0; x < small.cols; ++x) {
            const double gain = 0.45 + 0.8 * x / small.cols;
            const cv::Vec3b p = small.at<cv::Vec3b>(y, x);
            relit.at<cv::Vec3b>(y, x) = cv::Vec3b(cv::saturate_cast<uint8_t>(p[0] * gain * 1.05),
                                                  cv::saturate_cast<uint8_t>(p[1] * gain),
                                                  cv::saturate_cast<uint8_t>(p[2] * gain * 0.9));
        }
    }
    return relit;
}

}  // namespace

TEST_CASE("the working size follows the photo's aspect at IC-Light's pixel budget", "[pipeline][fullres]") {
    CHECK(core::workingSizeFor({6000, 4000}) == cv::Size(704, 448));
    CHECK(core::workingSizeFor({4000, 6000}) == cv::Size(448, 704));
    CHECK(core::workingSizeFor({512, 640}) == cv::Size(512, 640));
    CHECK(core::workingSizeFor({3000, 3000}) == cv::Size(576, 576));
    // A panorama is clamped to the sides validateJob accepts, never cropped to fit.
    const cv::Size pano = core::workingSizeFor({12000, 1000});
    CHECK(pano.height == 256);
    CHECK(pano.width % 64 == 0);
    for (cv::Size photo : {cv::Size(4500, 3000), cv::Size(3024, 4032), cv::Size(1920, 1080)}) {
        const cv::Size w = core::workingSizeFor(photo);
        CHECK(w.width % 64 == 0);
        CHECK(w.height % 64 == 0);
        const double aspect = double(photo.width) / photo.height;
        CHECK(std::abs(double(w.width) / w.height - aspect) / aspect < 0.12);
        CHECK(std::abs(w.area() - core::kWorkingPixelBudget) < 0.12 * core::kWorkingPixelBudget);
    }
}

TEST_CASE("the output size parses photo, working and WxH and refuses anything else", "[pipeline][fullres]") {
    CHECK(core::parseOutputSize("photo").mode == core::OutputSizeMode::Photo);
    CHECK(core::parseOutputSize("working").mode == core::OutputSizeMode::Working);
    const auto exact = core::parseOutputSize("3000x2000");
    CHECK(exact.mode == core::OutputSizeMode::Exact);
    CHECK(exact.exact == cv::Size(3000, 2000));
    CHECK(core::outputSizeName(exact) == "3000x2000");
    for (const char* bad : {"", "full", "3000", "3000x", "x2000", "-5x5", "8x8", "3000X2000"}) {
        CHECK_THROWS_AS(core::parseOutputSize(bad), core::Error);
    }
    // More than twice the photo is refused as a usage error; up to twice is fine.
    CHECK(core::resolveOutputSize(exact, {1500, 1000}, {704, 448}) == cv::Size(3000, 2000));
    try {
        core::resolveOutputSize(exact, {1400, 1000}, {704, 448});
        FAIL("no error");
    } catch (const core::Error& e) {
        CHECK(e.code() == core::ErrorCode::Usage);
        CHECK(std::string(e.what()).find("twice") != std::string::npos);
    }
}

TEST_CASE("the --crop frame is the part IC-Light's resize_and_center_crop keeps", "[pipeline][fullres]") {
    const cv::Mat photo = core::loadImageRgb(test::sharedDir() + "/data/photos/astronaut.png");
    const cv::Size working(512, 320);
    const cv::Rect frame = core::centerCropRect(photo.size(), working);
    CHECK(std::abs(double(frame.width) / frame.height - 1.6) < 0.01);
    const cv::Mat ours = core::pillowResizeLanczos(photo(frame).clone(), working.width, working.height);
    const cv::Mat theirs = core::resizeAndCenterCrop(photo, working.width, working.height);
    CHECK(psnr(ours, theirs) > 30.0);
}

TEST_CASE("the inpaint region is the mask's box with context, clipped to the photo", "[pipeline][fullres]") {
    cv::Mat mask = cv::Mat::zeros(4000, 6000, CV_8UC1);
    cv::rectangle(mask, cv::Rect(3000, 1000, 500, 300), cv::Scalar(255), cv::FILLED);
    const cv::Rect region = core::inpaintRegion(mask);
    CHECK(region.contains({3000, 1000}));
    CHECK(region.contains({3499, 1299}));
    CHECK(region.x == 3000 - 200);  // 40% of the box's longer side
    CHECK(region.width == 500 + 400);
    // A mask at the border: the region stays inside the photo.
    mask.setTo(0);
    cv::rectangle(mask, cv::Rect(0, 0, 100, 100), cv::Scalar(255), cv::FILLED);
    CHECK(core::inpaintRegion(mask) == cv::Rect(0, 0, 164, 164));
    // A mask over most of the photo: the whole photo.
    mask.setTo(255);
    CHECK(core::inpaintRegion(mask) == cv::Rect(0, 0, 6000, 4000));
    CHECK(core::inpaintRegion(cv::Mat::zeros(10, 10, CV_8UC1)) == cv::Rect(0, 0, 10, 10));
}

TEST_CASE("the row upsampler equals a bicubic resize of the whole picture", "[pipeline][fullres]") {
    cv::Mat small(37, 53, CV_32FC(7));
    cv::RNG(1234).fill(small, cv::RNG::UNIFORM, 0.0f, 1.0f);  // local RNG (the global one seeds GrabCut elsewhere)
    const cv::Size target(401, 289);
    const core::RowUpsampler up(small, target);
    std::vector<float> row, scratch;
    double worst = 0.0;
    // Reference: the same Catmull-Rom filter, evaluated directly per pixel in double precision.
    auto weight = [](double x) {
        x = std::abs(x);
        const double a = -0.5;
        if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
        if (x < 2) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
        return 0.0;
    };
    for (int y = 0; y < target.height; y += 7) {
        up.row(y, row, scratch);
        const double sy = (y + 0.5) * small.rows / target.height - 0.5;
        for (int x = 0; x < target.width; x += 5) {
            const double sx = (x + 0.5) * small.cols / target.width - 0.5;
            for (int c = 0; c < 7; ++c) {
                double sum = 0.0;
                for (int j = int(std::floor(sy)) - 1; j <= int(std::floor(sy)) + 2; ++j) {
                    for (int i = int(std::floor(sx)) - 1; i <= int(std::floor(sx)) + 2; ++i) {
                        const int cj = std::clamp(j, 0, small.rows - 1), ci = std::clamp(i, 0, small.cols - 1);
                        sum += weight(sy - j) * weight(sx - i) * small.ptr<float>(cj)[ci * 7 + c];
                    }
                }
                worst = std::max(worst, std::abs(sum - row[x * 7 + c]));
            }
        }
    }
    CHECK(worst < 1e-4);
}

TEST_CASE("a relit result at the photo's size has the photo's fine detail and the new light",
          "[pipeline][fullres]") {
    const cv::Mat photo = test::printedLabelPhoto({3000, 2000});
    const cv::Size working = core::workingSizeFor(photo.size());
    const cv::Mat generated = relitAtWorkingSize(photo, working);
    core::FullResolutionInputs in;
    in.photo = photo;
    in.generated = generated;
    in.detailMatte = cv::Mat(photo.size(), CV_8UC1, cv::Scalar(255));
    const cv::Mat out = core::composeFullResolution(in);
    REQUIRE(out.size() == photo.size());
    REQUIRE(out.type() == CV_8UC3);
    // High band: the print is the photo's; an upscaled working-size result does not have it.
    cv::Mat upscaled;
    cv::resize(generated, upscaled, photo.size(), 0, 0, cv::INTER_CUBIC);
    const double ours = correlation(highBand(out, 2.0), highBand(photo, 2.0));
    const double naive = correlation(highBand(upscaled, 2.0), highBand(photo, 2.0));
    CHECK(ours > 0.9);
    CHECK(naive < 0.6);
    // Low band: the new light, as the diffusion made it.
    cv::Mat back;
    cv::resize(out, back, working, 0, 0, cv::INTER_AREA);
    cv::Mat blurredBack, blurredGenerated;
    cv::GaussianBlur(back, blurredBack, cv::Size(0, 0), 2.0);
    cv::GaussianBlur(generated, blurredGenerated, cv::Size(0, 0), 2.0);
    CHECK(psnr(blurredBack, blurredGenerated) > 32.0);
    // The left (darkened) side really is darker than the photo there.
    CHECK(cv::mean(out(cv::Rect(0, 0, 300, 2000)))[1] < 0.75 * cv::mean(photo(cv::Rect(0, 0, 300, 2000)))[1]);
}

TEST_CASE("kept pixels are the photo's bit for bit, in 8 and 16 bit", "[pipeline][fullres]") {
    const cv::Mat photo8 = core::loadImageRgb(test::sharedDir() + "/data/photos/chelsea.png");
    cv::Mat photo16;
    photo8.convertTo(photo16, CV_16U, 257.0);
    cv::RNG(1234).fill(photo16, cv::RNG::UNIFORM, 0, 65535);  // local RNG (the global one seeds GrabCut elsewhere); every 16-bit value pattern, not only multiples of 257
    cv::GaussianBlur(photo16, photo16, cv::Size(0, 0), 3.0);
    cv::Mat mask = cv::Mat::zeros(photo8.size(), CV_8UC1);
    cv::circle(mask, {photo8.cols / 2, photo8.rows / 2}, 60, cv::Scalar(255), cv::FILLED);
    const cv::Mat keep = core::featherOutwardByDistance(mask, 6);
    for (const cv::Mat& photo : {photo8, photo16}) {
        core::FullResolutionInputs in;
        in.photo = photo;
        in.generated = cv::Mat(256, 320, CV_8UC3, cv::Scalar(200, 40, 40));
        in.detailMatte = 255 - mask;
        in.keepWeight = keep;
        const cv::Mat out = core::composeFullResolution(in);
        REQUIRE(out.type() == photo.type());
        cv::Mat diff;
        cv::absdiff(out, photo, diff);
        cv::Mat changed;
        cv::transform(diff, changed, cv::Matx13f(1, 1, 1));
        CHECK(cv::countNonZero((changed > 0) & (keep == 0)) == 0);
        CHECK(cv::countNonZero((changed > 0) & (mask == 255)) > 0.9 * cv::countNonZero(mask));
        // The regenerated region is the generated picture (upsampled), not black or the photo.
        cv::Mat inside8;
        out.convertTo(inside8, CV_8U, out.depth() == CV_16U ? 1.0 / 257.0 : 1.0);
        const cv::Scalar regenerated = cv::mean(inside8, mask);
        CHECK(regenerated[0] == Approx(200).margin(1.5));
        CHECK(regenerated[1] == Approx(40).margin(1.5));
    }
}

TEST_CASE("outside the detail matte the result is the generated picture, upsampled", "[pipeline][fullres]") {
    const cv::Mat photo = test::printedLabelPhoto({1200, 800});
    cv::Mat generated(256, 384, CV_8UC3);
    for (int y = 0; y < generated.rows; ++y) {
        for (int x = 0; x < generated.cols; ++x) {
            generated.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<uint8_t>(x * 255 / 383), 90, static_cast<uint8_t>(y));
        }
    }
    cv::Mat mask = cv::Mat::zeros(photo.size(), CV_8UC1);
    cv::rectangle(mask, cv::Rect(300, 200, 600, 400), cv::Scalar(255), cv::FILLED);
    core::FullResolutionInputs in;
    in.photo = photo;
    in.generated = generated;
    in.detailMatte = mask;
    const cv::Mat out = core::composeFullResolution(in);
    cv::Mat upscaled;
    cv::resize(generated, upscaled, photo.size(), 0, 0, cv::INTER_CUBIC);
    cv::Mat background = mask == 0;
    cv::Mat diff;
    cv::absdiff(out, upscaled, diff);
    cv::Mat diffGrey;
    cv::transform(diff, diffGrey, cv::Matx13f(1, 1, 1));
    CHECK(cv::countNonZero((diffGrey > 6) & background) == 0);
    // Inside, the photo's print; outside, no trace of it.
    CHECK(test::correlation(test::highBand(out(cv::Rect(320, 220, 560, 360)), 1.5),
                            test::highBand(photo(cv::Rect(320, 220, 560, 360)), 1.5)) > 0.9);
}

TEST_CASE("a 16-bit photo stays 16-bit without banding, 8-bit can be written as 16", "[pipeline][fullres]") {
    cv::Mat photo(600, 900, CV_16UC3);
    for (int y = 0; y < photo.rows; ++y) {
        for (int x = 0; x < photo.cols; ++x) {
            const auto v = static_cast<uint16_t>(20000 + 20 * x + 3 * y);  // a smooth sky
            photo.at<cv::Vec3w>(y, x) = cv::Vec3w(v, static_cast<uint16_t>(v + 1000), static_cast<uint16_t>(v + 2000));
        }
    }
    cv::Mat generated8;
    photo.convertTo(generated8, CV_8U, 1.0 / 257.0);
    cv::resize(generated8, generated8, {576, 384}, 0, 0, cv::INTER_AREA);
    core::FullResolutionInputs in;
    in.photo = photo;
    in.generated = generated8;
    in.detailMatte = cv::Mat(photo.size(), CV_8UC1, cv::Scalar(255));
    const cv::Mat out = core::composeFullResolution(in);
    REQUIRE(out.type() == CV_16UC3);
    std::set<uint16_t> values;
    for (int x = 0; x < out.cols; ++x) values.insert(out.at<cv::Vec3w>(300, x)[0]);
    CHECK(values.size() > 600);  // an 8-bit result would have fewer than 256 levels
    CHECK(psnr(out, photo) > 45.0);

    in.photo = core::loadImageRgb(test::sharedDir() + "/data/photos/coffee.png");
    in.generated = core::pillowResizeLanczos(in.photo, 320, 256);
    in.detailMatte = cv::Mat(in.photo.size(), CV_8UC1, cv::Scalar(255));
    in.outputDepth = CV_16U;
    const cv::Mat wide = core::composeFullResolution(in);
    CHECK(wide.type() == CV_16UC3);
    cv::Mat wide8;
    wide.convertTo(wide8, CV_8U, 1.0 / 257.0);
    CHECK(psnr(wide8, in.photo) > 35.0);
}

TEST_CASE("the compositor refuses inputs that do not fit together", "[pipeline][fullres]") {
    core::FullResolutionInputs in;
    in.photo = cv::Mat(100, 100, CV_8UC3, cv::Scalar::all(100));
    in.generated = cv::Mat(64, 64, CV_8UC3, cv::Scalar::all(100));
    in.detailMatte = cv::Mat(50, 50, CV_8UC1, cv::Scalar(255));
    CHECK_THROWS_AS(core::composeFullResolution(in), core::Error);
    in.detailMatte.release();
    in.generated = cv::Mat(64, 64, CV_16UC3);
    CHECK_THROWS_AS(core::composeFullResolution(in), core::Error);
}

TEST_CASE("the outward feather is 0 beyond its radius and never below the mask", "[pipeline][fullres]") {
    cv::Mat mask = cv::Mat::zeros(200, 200, CV_8UC1);
    cv::rectangle(mask, cv::Rect(80, 80, 40, 40), cv::Scalar(255), cv::FILLED);
    mask.at<uint8_t>(10, 10) = 60;  // a faint brush dab far away keeps its own weight
    const cv::Mat feather = core::featherOutwardByDistance(mask, 10);
    CHECK(feather.at<uint8_t>(100, 100) == 255);
    CHECK(feather.at<uint8_t>(100, 124) > 100);   // 5 px outside
    CHECK(feather.at<uint8_t>(100, 124) < 255);
    CHECK(feather.at<uint8_t>(100, 131) == 0);    // 12 px outside
    CHECK(feather.at<uint8_t>(10, 10) == 60);
    cv::Mat below;
    cv::compare(feather, mask, below, cv::CMP_LT);
    CHECK(cv::countNonZero(below) == 0);
}

TEST_CASE("a cancel while composing stops the rows and throws Cancelled", "[pipeline][fullres][cancel]") {
    const cv::Mat photo = test::printedLabelPhoto({1600, 1200});
    core::FullResolutionInputs in;
    in.photo = photo;
    in.generated = relitAtWorkingSize(photo, {512, 384});
    std::atomic<int> polls{0};
    in.cancelled = [&] { return ++polls > 3; };  // a few stripes, then the user cancels
    try {
        (void)core::composeFullResolution(in);
        FAIL("composing went on after the cancel");
    } catch (const core::Error& e) {
        CHECK(e.code() == core::ErrorCode::Cancelled);
    }
    // 1200 rows are ~38 stripes of 32: the polls stop soon after the cancel (one per worker stripe
    // already started at most), not at the end.
    CHECK(polls.load() < 12);

    in.cancelled = [&] { return false; };
    const cv::Mat out = core::composeFullResolution(in);
    CHECK(out.size() == photo.size());
}
