// Light-model benchmark rows: the per-frame preview render the GUI runs on every slider move, its
// one-off preparation, light estimation and the light map. Synthetic 1024x1024 input (textured
// photo stand-in with an elliptical subject), so the numbers need no files.
#include <algorithm>
#include <optional>
#include <string>

#include <opencv2/core/utility.hpp>
#include <opencv2/imgproc.hpp>

#include "bench_table.h"
#include "chiaro/light/light_estimator.h"
#include "chiaro/light/light_map.h"
#include "chiaro/light/preview_relighter.h"

namespace chiaro::cli {
namespace {

constexpr int kSide = 1024;

struct BenchInput {
    cv::Mat image;
    cv::Mat mask;
};

BenchInput makeInput() {
    cv::Mat noise(kSide, kSide, CV_8UC3);
    cv::RNG rng(12345);
    rng.fill(noise, cv::RNG::UNIFORM, 0, 255);
    cv::GaussianBlur(noise, noise, cv::Size(), 3.0);
    cv::Mat mask(kSide, kSide, CV_8UC1, cv::Scalar(0));
    cv::ellipse(mask, {kSide / 2, kSide / 2}, {kSide / 3, kSide * 2 / 5}, 15, 0, 360,
                cv::Scalar(255), cv::FILLED, cv::LINE_AA);
    return {noise, mask};
}

// Restores OpenCV's thread count when the light rows are done (the engine rows set their own).
class ThreadScope {
  public:
    explicit ThreadScope(int threads) : m_previous(cv::getNumThreads()) {
        if (threads > 0)
            cv::setNumThreads(threads);
    }
    ~ThreadScope() { cv::setNumThreads(m_previous); }

  private:
    int m_previous;
};

}  // namespace

std::vector<BenchRow> benchLightModel(const BenchOptions& options) {
    const ThreadScope threads(options.threads);
    const BenchInput input = makeInput();
    const std::string cores = std::to_string(cv::getNumThreads()) + " threads";
    std::vector<BenchRow> rows;

    core::LightSettings light;
    light.direction = core::LightDirection{300.0, 25.0};
    light.color = core::LightColor::fromKelvin(4500);
    std::optional<core::PreviewRelighter> relighter;
    rows.push_back(
        {"light", "preview 1024x1024 (prepare once per image+mask)",
         medianMilliseconds(options.repeats, [&] { relighter.emplace(input.image, input.mask); }),
         cores});
    cv::Mat frame;
    double azimuth = 0.0;
    rows.push_back({"light", "preview 1024x1024 (render only)",
                    medianMilliseconds(std::max(options.repeats, 10),
                                       [&] {
                                           light.direction->azimuth = azimuth +=
                                               7.0;  // a moving light, as when dragging
                                           if (azimuth >= 360.0)
                                               azimuth -= 360.0;
                                           relighter->render(light, frame);
                                       }),
                    "target < 30 ms; " + cores});
    rows.push_back(
        {"light", "estimate-light 1024x1024 (with mask)",
         medianMilliseconds(options.repeats, [&] { core::estimateLight(input.image, input.mask); }),
         "target < 100 ms; " + cores});
    light.direction = core::LightDirection{30.0, 20.0};
    rows.push_back(
        {"light",
         "light map " + std::to_string(options.width) + "x" + std::to_string(options.height),
         medianMilliseconds(options.repeats,
                            [&] {
                                core::renderLightMap(light, options.width, options.height,
                                                     core::LightMapVariant::Fc);
                            }),
         "continuous direction"});
    return rows;
}

}  // namespace chiaro::cli
