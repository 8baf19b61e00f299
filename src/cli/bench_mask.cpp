// Subject-selection benchmark rows (issue #21): one-click selection on a 24 MP photo, against GrabCut
// from the default centred box, with the IoU each reaches on the synthetic subject. Synthetic input
// (a sharp, shaded product cut by the bottom edge over a defocused backdrop), so no files needed.
#include <cstdio>
#include <string>

#include <opencv2/core/utility.hpp>
#include <opencv2/imgproc.hpp>

#include "bench_table.h"
#include "chiaro/mask/grabcut.h"
#include "chiaro/mask/subject_selection.h"

namespace chiaro::cli {
namespace {

struct SelectionInput {
    cv::Mat rgb, truth;
};

SelectionInput makeSelectionInput() {
    const cv::Size size(6000, 4000);
    cv::Mat small(size.height / 20, size.width / 20, CV_8UC3);
    cv::RNG rng(77);
    rng.fill(small, cv::RNG::UNIFORM, 40, 200);
    cv::GaussianBlur(small, small, cv::Size(), 2.0);  // a defocused backdrop once scaled up
    SelectionInput in;
    cv::resize(small, in.rgb, size, 0, 0, cv::INTER_CUBIC);
    in.truth = cv::Mat::zeros(size, CV_8UC1);
    cv::ellipse(in.truth, {size.width / 2, size.height * 3 / 4}, {size.width / 6, size.height / 2}, 0, 0, 360,
                cv::Scalar(255), cv::FILLED, cv::LINE_AA);
    in.truth = in.truth >= 128;
    for (int y = 0; y < size.height; ++y) {
        const uint8_t* t = in.truth.ptr<uint8_t>(y);
        cv::Vec3b* p = in.rgb.ptr<cv::Vec3b>(y);
        for (int x = 0; x < size.width; ++x)
            if (t[x]) {
                const double shade = 0.5 + 0.5 * (x - size.width / 3) / (size.width / 3.0);  // lit from the right
                const bool stripe = ((x + y) / 90) % 2 == 0;
                p[x] = cv::Vec3b(cv::saturate_cast<uchar>((stripe ? 230 : 180) * shade),
                                 cv::saturate_cast<uchar>((stripe ? 60 : 40) * shade),
                                 cv::saturate_cast<uchar>((stripe ? 50 : 30) * shade));
            }
    }
    return in;
}

std::string iouNote(const cv::Mat& mask, const cv::Mat& truth) {
    const double iou = static_cast<double>(cv::countNonZero(mask & truth)) / cv::countNonZero(mask | truth);
    char text[64];
    std::snprintf(text, sizeof text, "IoU %.3f", iou);
    return text;
}

}  // namespace

std::vector<BenchRow> benchSubjectSelection(const BenchOptions& options) {
    const SelectionInput input = makeSelectionInput();
    const std::string cores = std::to_string(cv::getNumThreads()) + " threads";
    std::vector<BenchRow> rows;
    cv::Mat selected, boxed;
    rows.push_back({"mask", "select subject 6000x4000 (hints at 320 px, edge at 1024)",
                    medianMilliseconds(options.repeats, [&] { selected = core::selectSubject(input.rgb); }),
                    iouNote(selected, input.truth) + "; " + cores});
    rows.push_back({"mask", "GrabCut from the default box 6000x4000 (at 1024)",
                    medianMilliseconds(options.repeats,
                                       [&] {
                                           boxed = core::grabCutFromRect(input.rgb,
                                                                         core::defaultSubjectRect(input.rgb.size()));
                                       }),
                    iouNote(boxed, input.truth) + " (cannot reach the frame); " + cores});
    return rows;
}

}  // namespace chiaro::cli
