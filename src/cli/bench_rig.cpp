// Light-rig benchmark rows (issue #21): keep-colour on a 24 MP result (8- and 16-bit, the sizes
// users have), the environment reduction of an 8K panorama, and a three-light rig in the light map
// and the preview. Synthetic input, so the numbers need no files.
#include <algorithm>
#include <string>

#include <opencv2/core/utility.hpp>
#include <opencv2/imgproc.hpp>

#include "bench_table.h"
#include "chiaro/light/colour_keep.h"
#include "chiaro/light/environment_light.h"
#include "chiaro/light/light_map.h"
#include "chiaro/light/light_rig.h"
#include "chiaro/light/preview_relighter.h"

namespace chiaro::cli {
namespace {

// A 6000x4000 "photo" and a "result" that differs in colour and brightness, with an elliptical subject.
struct KeepInput {
    cv::Mat photo, result, mask;
};

KeepInput makeKeepInput(int depth) {
    const cv::Size size(6000, 4000);
    cv::Mat small(size.height / 16, size.width / 16, CV_8UC3);
    cv::RNG rng(2112);
    rng.fill(small, cv::RNG::UNIFORM, 0, 255);
    KeepInput in;
    cv::resize(small, in.photo, size, 0, 0, cv::INTER_CUBIC);
    cv::Mat shifted;
    cv::addWeighted(in.photo, 0.7, cv::Mat(size, CV_8UC3, cv::Scalar(60, 30, 10)), 1.0, 0.0, shifted);
    in.result = shifted;
    in.mask = cv::Mat(size, CV_8UC1, cv::Scalar(0));
    cv::ellipse(in.mask, {size.width / 2, size.height / 2}, {size.width / 3, size.height * 2 / 5}, 0, 0, 360,
                cv::Scalar(255), cv::FILLED);
    if (depth == CV_16U) {
        in.photo.convertTo(in.photo, CV_16UC3, 257.0);
        in.result.convertTo(in.result, CV_16UC3, 257.0);
    }
    return in;
}

}  // namespace

std::vector<BenchRow> benchLightRig(const BenchOptions& options) {
    const int previous = cv::getNumThreads();
    if (options.threads > 0) cv::setNumThreads(options.threads);
    const std::string cores = std::to_string(cv::getNumThreads()) + " threads";
    const int repeats = std::max(1, std::min(options.repeats, 3));
    std::vector<BenchRow> rows;
    for (const int depth : {CV_8U, CV_16U}) {
        KeepInput in = makeKeepInput(depth);
        cv::Mat work;
        const double ms = medianMilliseconds(repeats, [&] {
            work = in.result.clone();
            core::keepSubjectColours(work, in.photo, in.mask, 1.0);
        });
        const core::SubjectColourDifference d = core::subjectColourDifference(work, in.photo, in.mask);
        rows.push_back({"rig", std::string("keep colour 6000x4000 ") + (depth == CV_16U ? "16-bit" : "8-bit"), ms,
                        "mean chroma dE2000 " + std::to_string(d.meanChroma).substr(0, 4) + "; " + cores});
    }
    cv::Mat pano(4096, 8192, CV_32FC3, cv::Scalar::all(0.05));
    cv::circle(pano, {6000, 1200}, 20, cv::Scalar::all(500.0), cv::FILLED);
    cv::circle(pano, {2000, 2000}, 300, cv::Scalar(0.6, 0.7, 0.9), cv::FILLED);
    rows.push_back({"rig", "environment rig from 8192x4096 panorama (decoded)",
                    medianMilliseconds(repeats, [&] { core::rigFromEnvironment(pano); }), cores});
    const core::LightSettings rig = core::namedRig("rembrandt");
    core::LightSettings three = rig;
    three.otherLights.push_back({core::LightDirection{180.0, 20.0}, {}, 0.8, 0.1});
    rows.push_back({"rig", "light map 3 lights + ambient " + std::to_string(options.width) + "x" +
                               std::to_string(options.height),
                    medianMilliseconds(options.repeats,
                                       [&] {
                                           core::renderLightMap(three, options.width, options.height,
                                                                core::LightMapVariant::Fc);
                                       }),
                    cores});
    cv::Mat image(1024, 1024, CV_8UC3, cv::Scalar(120, 110, 100)), mask(1024, 1024, CV_8UC1, cv::Scalar(0));
    cv::circle(mask, {512, 512}, 400, cv::Scalar(255), cv::FILLED);
    core::PreviewRelighter relighter(image, mask);
    cv::Mat frame;
    rows.push_back({"rig", "preview 1024x1024 render, 3 lights + ambient",
                    medianMilliseconds(std::max(options.repeats, 10), [&] { relighter.render(three, frame); }),
                    "target < 30 ms; " + cores});
    cv::setNumThreads(previous);
    return rows;
}

}  // namespace chiaro::cli
