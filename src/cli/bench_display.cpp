// Display rows (issue #20): what the app spends between "open this 24 MP JPEG" and pixels on
// screen, and per instant-preview frame when the light is dragged on such a photo. Both run the
// app's own core steps (the GUI adds only a QImage wrap and the paint), on a synthetic textured
// 6000x4000 photo written as a JPEG to the temp folder.
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>

#include <unistd.h>

#include <opencv2/core/utility.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "bench_table.h"
#include "chiaro/image/photo.h"
#include "chiaro/light/display_proxy.h"
#include "chiaro/light/preview_relighter.h"
#include "chiaro/pipeline/relight_job.h"

namespace chiaro::cli {
namespace {

const cv::Size kCamera(6000, 4000);

// A photo-like texture (blurred noise, upscaled) with an elliptical subject mask.
cv::Mat cameraPhoto(cv::Mat& mask) {
    cv::Mat small(kCamera.height / 10, kCamera.width / 10, CV_8UC3);
    cv::RNG(31).fill(small, cv::RNG::UNIFORM, 0, 255);
    cv::GaussianBlur(small, small, cv::Size(), 1.5);
    cv::Mat photo;
    cv::resize(small, photo, kCamera, 0, 0, cv::INTER_CUBIC);
    mask = cv::Mat::zeros(kCamera, CV_8UC1);
    cv::ellipse(mask, {kCamera.width / 2, kCamera.height / 2}, {kCamera.width / 4, kCamera.height / 3}, 0, 0, 360,
                cv::Scalar(255), cv::FILLED, cv::LINE_AA);
    return photo;
}

}  // namespace

std::vector<BenchRow> benchDisplay(const BenchOptions& options) {
    std::vector<BenchRow> rows;
    cv::Mat mask;
    const cv::Mat photo = cameraPhoto(mask);
    const std::string cores = std::to_string(cv::getNumThreads()) + " threads";

    const std::filesystem::path jpeg =
        std::filesystem::temp_directory_path() / ("chiaro-bench-open-" + std::to_string(::getpid()) + ".jpg");
    cv::Mat bgr;
    cv::cvtColor(photo, bgr, cv::COLOR_RGB2BGR);
    if (cv::imwrite(jpeg.string(), bgr, {cv::IMWRITE_JPEG_QUALITY, 92})) {
        // What PhotoLoader does on the pool before the UI thread shows the photo.
        rows.push_back({"display", "open 6000x4000 JPEG (decode, EXIF, proxy, pyramid)",
                        medianMilliseconds(options.repeats,
                                           [&] {
                                               core::RelightJob pixels;
                                               core::setJobPhoto(pixels, core::loadPhoto(jpeg.string()));
                                               const cv::Mat proxy = core::displayProxy(pixels.image);
                                               const auto levels = core::halvingPyramid(pixels.image);
                                               (void)proxy, (void)levels;
                                           }),
                        "goal: opened -> shown <= 1 s; " + cores});
        std::error_code ignored;
        std::filesystem::remove(jpeg, ignored);
    }

    cv::Mat proxy;
    std::optional<core::PreviewRelighter> relighter;
    rows.push_back({"display", "preview 6000x4000 via proxy (prepare once per photo+mask)",
                    medianMilliseconds(options.repeats,
                                       [&] {
                                           proxy = core::displayProxy(photo);
                                           relighter.emplace(proxy, core::maskAtSize(mask, proxy.size()));
                                       }),
                    "proxy " + std::to_string(proxy.cols) + "x" + std::to_string(proxy.rows) + "; " + cores});
    core::LightSettings light;
    light.direction = core::LightDirection{300.0, 25.0};
    cv::Mat frame;
    double azimuth = 0.0;
    rows.push_back({"display", "preview 6000x4000 via proxy (frame while dragging)",
                    medianMilliseconds(std::max(options.repeats, 10),
                                       [&] {
                                           light.direction->azimuth = azimuth += 7.0;
                                           if (azimuth >= 360.0) azimuth -= 360.0;
                                           relighter->render(light, frame);
                                       }),
                    "goal: median <= 33 ms; " + cores});
    return rows;
}

}  // namespace chiaro::cli
