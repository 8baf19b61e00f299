// Full-resolution rows (issue #17): what a 6000x4000 photo costs beyond the diffusion, in seconds
// and in peak memory above what was resident before (Linux's VmHWM, reset through clear_refs).
// Synthetic 24 MP input: a textured photo, an elliptical subject, a 704x448 generated picture.
#include <filesystem>
#include <fstream>
#include <string>

#include <opencv2/imgproc.hpp>

#include "bench_table.h"
#include "chiaro/image/photo.h"
#include "chiaro/image/pillow_resize.h"
#include "chiaro/pipeline/framing.h"
#include "chiaro/pipeline/full_resolution.h"

namespace chiaro::cli {
namespace {

const cv::Size kPhoto(6000, 4000);

// kB from /proc/self/status ("VmRSS", "VmHWM"); 0 where unavailable.
long statusKb(const std::string& key) {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind(key + ":", 0) == 0) return std::stol(line.substr(key.size() + 1));
    }
    return 0;
}

// Peak resident memory while fn runs, above the memory resident before it, in MB.
template <typename Fn>
double peakAboveMb(Fn&& fn) {
    std::ofstream("/proc/self/clear_refs") << "5";  // resets VmHWM to the current RSS
    const long before = statusKb("VmRSS");
    fn();
    return (statusKb("VmHWM") - before) / 1024.0;
}

cv::Mat texturedPhoto(int depth) {
    cv::Mat noise(kPhoto, CV_8UC3);
    cv::RNG rng(7);
    rng.fill(noise, cv::RNG::UNIFORM, 0, 255);
    cv::GaussianBlur(noise, noise, cv::Size(), 1.2);
    if (depth == CV_8U) return noise;
    cv::Mat wide;
    noise.convertTo(wide, CV_16U, 257.0);
    return wide;
}

std::string memoryNote(double mb, const std::string& what) {
    char text[96];
    std::snprintf(text, sizeof(text), "peak +%.0f MB; %s; goal <= 2 s, <= 1.5 GB", mb, what.c_str());
    return text;
}

}  // namespace

std::vector<BenchRow> benchFullResolution(const BenchOptions& options) {
    std::vector<BenchRow> rows;
    const cv::Size working = core::workingSizeFor(kPhoto);
    cv::Mat mask = cv::Mat::zeros(kPhoto, CV_8UC1);
    cv::ellipse(mask, {3000, 2000}, {1800, 1500}, 10, 0, 360, cv::Scalar(255), cv::FILLED, cv::LINE_AA);
    const cv::Mat photo8 = texturedPhoto(CV_8U);
    cv::Mat generated = core::pillowResizeLanczos(photo8, working.width, working.height);

    double mb = 0.0;
    const double down = medianMilliseconds(options.repeats, [&] {
        mb = peakAboveMb([&] { core::pillowResizeLanczos(photo8, working.width, working.height); });
    });
    rows.push_back({"fullres", "6000x4000 photo -> " + std::to_string(working.width) + "x" +
                                   std::to_string(working.height) + " working size (Lanczos)",
                    down, memoryNote(mb, "before the diffusion")});

    for (const int depth : {CV_8U, CV_16U}) {
        const cv::Mat photo = depth == CV_8U ? photo8 : texturedPhoto(CV_16U);
        for (const bool keep : {false, true}) {
            const double ms = medianMilliseconds(options.repeats, [&] {
                mb = peakAboveMb([&] {
                    core::FullResolutionInputs in;
                    in.photo = photo;
                    in.generated = generated;
                    in.detailMatte = mask;
                    if (keep) in.keepWeight = core::featherOutwardByDistance(mask, 24);
                    core::composeFullResolution(in);
                });
            });
            const std::string name = std::string("6000x4000 ") + (depth == CV_8U ? "8" : "16") +
                                     "-bit output from " + std::to_string(working.width) + "x" +
                                     std::to_string(working.height) + (keep ? ", keep-unmasked" : "");
            rows.push_back({"fullres", name, ms, memoryNote(mb, "after the diffusion")});
        }
        // Writing the result: PNG deflate dominates at this size (not part of the 2 s goal).
        const std::string path = (std::filesystem::temp_directory_path() /
                                  ("chiaro-bench-" + std::to_string(depth) + ".png")).string();
        core::ImageWriteOptions write;
        write.bitDepth = depth == CV_8U ? 8 : 16;
        const double save = medianMilliseconds(1, [&] { core::saveImage(path, photo, write); });
        std::error_code ec;
        std::filesystem::remove(path, ec);
        rows.push_back({"fullres", std::string("save 6000x4000 ") + (depth == CV_8U ? "8" : "16") + "-bit PNG",
                        save, "atomic write + fsync"});
    }
    return rows;
}

}  // namespace chiaro::cli
