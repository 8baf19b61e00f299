#include "chiaro/mask/subject_selection.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include <opencv2/imgproc.hpp>

#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"

namespace chiaro::core {
namespace {

constexpr int kAnalysisSide = 320;   // colour analysis and hints work at this size: cheap, enough detail
constexpr double kStrip = 0.04;      // border strip width, fraction of the shorter side
constexpr int kClusters = 6;         // colours in the border model
constexpr double kFar = 18.0;        // Lab distance beyond which a colour is not the border's
constexpr double kMinRun = 0.15;     // fraction of a strip the subject must cover to count as leaving the frame

// 0 left, 1 right, 2 top, 3 bottom.
cv::Rect stripRect(cv::Size s, int side, int w) {
    switch (side) {
        case 0: return {0, 0, w, s.height};
        case 1: return {s.width - w, 0, w, s.height};
        case 2: return {0, 0, s.width, w};
        default: return {0, s.height - w, s.width, w};
    }
}

cv::Mat pixelsOf(const cv::Mat& lab, const cv::Rect& r) { return lab(r).clone().reshape(1, r.area()); }

// Cluster centres (CV_32F, one row per colour) of the given Lab pixels; deterministic seeding.
cv::Mat colourModel(const cv::Mat& samples) {
    const int k = std::min(kClusters, samples.rows);
    cv::Mat labels, centres;
    cv::setRNGSeed(12345);
    cv::kmeans(samples, k, labels, cv::TermCriteria(cv::TermCriteria::COUNT + cv::TermCriteria::EPS, 20, 0.5), 2,
               cv::KMEANS_PP_CENTERS, centres);
    return centres;
}

// Distance of every pixel of `lab` (CV_32FC3) to the nearest model colour.
cv::Mat distanceTo(const cv::Mat& lab, const cv::Mat& centres) {
    cv::Mat best(lab.size(), CV_32F, cv::Scalar(1e9));
    for (int i = 0; i < centres.rows; ++i) {
        const cv::Scalar c(centres.at<float>(i, 0), centres.at<float>(i, 1), centres.at<float>(i, 2));
        cv::Mat diff = lab - c, sq, d;
        cv::multiply(diff, diff, sq);
        cv::transform(sq, d, cv::Matx13f(1, 1, 1));
        cv::sqrt(d, d);
        best = cv::min(best, d);
    }
    return best;
}

// Per border strip, the pixels whose colour the other three strips lack: where the subject leaves
// the frame (a product cropped at the bottom). A strip that is almost entirely foreign is a
// differently coloured background (a floor, the sky), not the subject: it stays background.
std::array<cv::Mat, 4> foreignBorder(const cv::Mat& lab, int w) {
    std::array<cv::Mat, 4> foreign;
    for (int side = 0; side < 4; ++side) {
        cv::Mat others;
        for (int o = 0; o < 4; ++o)
            if (o != side) others.push_back(pixelsOf(lab, stripRect(lab.size(), o, w)));
        foreign[side] = distanceTo(lab(stripRect(lab.size(), side, w)), colourModel(others)) > kFar;
        // A few scattered foreign pixels are clutter, not a subject running out of the frame.
        const double fraction = cv::countNonZero(foreign[side]) / static_cast<double>(foreign[side].total());
        if (fraction < kMinRun || fraction > 0.85) foreign[side].setTo(0);
    }
    return foreign;
}

// Keeps the components that hold most of the subject and fills their holes.
cv::Mat cleanUp(const cv::Mat& mask) {
    cv::Mat labels, stats, centroids;
    const int n = cv::connectedComponentsWithStats(mask, labels, stats, centroids, 8);
    // Score: area, discounted away from the centre (photographers frame the subject centrally).
    const cv::Point2d centre(mask.cols / 2.0, mask.rows / 2.0);
    const double halfDiagonal = std::hypot(centre.x, centre.y);
    std::vector<double> score(n, 0.0);
    double best = 0;
    for (int i = 1; i < n; ++i) {
        const cv::Point2d c(centroids.at<double>(i, 0), centroids.at<double>(i, 1));
        score[i] = stats.at<int>(i, cv::CC_STAT_AREA) * (1.0 - 0.6 * cv::norm(c - centre) / halfDiagonal);
        best = std::max(best, score[i]);
    }
    cv::Mat kept = cv::Mat::zeros(mask.size(), CV_8UC1);
    for (int i = 1; i < n; ++i)
        if (score[i] * 4 >= best) kept.setTo(255, labels == i);
    // Holes: background regions not connected to the frame.
    cv::Mat outside = kept.clone();
    cv::copyMakeBorder(outside, outside, 1, 1, 1, 1, cv::BORDER_CONSTANT, cv::Scalar(0));
    cv::floodFill(outside, cv::Point(0, 0), cv::Scalar(128));
    cv::Mat inner = outside(cv::Rect(1, 1, mask.cols, mask.rows));
    kept.setTo(255, inner == 0);
    return kept;
}

cv::Mat toSize(const cv::Mat& small, cv::Size size, int interpolation) {
    if (small.size() == size) return small;
    cv::Mat big;
    cv::resize(small, big, size, 0, 0, interpolation);
    return big;
}

}  // namespace

cv::Mat selectSubject(const cv::Mat& rgb, const GrabCutOptions& options) {
    if (rgb.empty() || rgb.type() != CV_8UC3)
        throw Error(ErrorCode::BadInput, "select subject: the photo must be a non-empty 8-bit RGB image");
    if (rgb.cols < 16 || rgb.rows < 16)  // too small to hold a border model and a subject
        return cv::Mat::zeros(rgb.size(), CV_8UC1);

    // Hints at the analysis size.
    const int longest = std::max(rgb.cols, rgb.rows);
    const double a = std::min(1.0, static_cast<double>(kAnalysisSide) / longest);
    cv::Mat small, lab;
    cv::resize(rgb, small, cv::Size(), a, a, cv::INTER_AREA);
    cv::GaussianBlur(small, small, cv::Size(3, 3), 0);  // noise would scatter the colour model
    small.convertTo(lab, CV_32FC3, 1.0 / 255.0);
    cv::cvtColor(lab, lab, cv::COLOR_RGB2Lab);
    const int w = std::max(2, static_cast<int>(std::lround(std::min(lab.cols, lab.rows) * kStrip)));
    const std::array<cv::Mat, 4> foreign = foreignBorder(lab, w);

    // The background model: border colours seen on more than one side.
    cv::Mat border;
    for (int side = 0; side < 4; ++side) {
        const cv::Mat strip = lab(stripRect(lab.size(), side, w));
        for (int y = 0; y < strip.rows; ++y)
            for (int x = 0; x < strip.cols; ++x)
                if (!foreign[side].at<uint8_t>(y, x)) border.push_back(cv::Mat(1, 3, CV_32F, (void*)strip.ptr<float>(y, x)).clone());
    }
    if (border.rows < kClusters)  // the whole frame is foreign to itself: nothing to learn from
        return grabCutFromRect(rgb, defaultSubjectRect(rgb.size()), options);
    const cv::Mat far = distanceTo(lab, colourModel(border)) > kFar;

    // Labels: the border is certain background except where the subject leaves the frame; inside,
    // colours the border lacks are probably subject and the rest probably background.
    cv::Mat hints(lab.size(), CV_8UC1, cv::Scalar(cv::GC_PR_BGD));
    hints.setTo(cv::GC_PR_FGD, far);
    for (int side = 0; side < 4; ++side) hints(stripRect(lab.size(), side, w)).setTo(cv::GC_BGD, foreign[side] == 0);
    for (int side = 0; side < 4; ++side) {  // a later strip's corner must not overwrite the subject
        cv::Mat region = hints(stripRect(lab.size(), side, w));
        region.setTo(cv::GC_PR_FGD, foreign[side]);
    }
    if (cv::countNonZero(hints == cv::GC_PR_FGD) < 16)  // nothing stands out: fall back to the rectangle
        return grabCutFromRect(rgb, defaultSubjectRect(rgb.size()), options);

    // GrabCut at the working size, with the hints scaled up.
    const double s = options.maxWorkingSide > 0 ? std::min(1.0, static_cast<double>(options.maxWorkingSide) / longest) : 1.0;
    cv::Mat work = rgb;
    if (s < 1.0) cv::resize(rgb, work, cv::Size(), s, s, cv::INTER_AREA);
    cv::Mat labels = toSize(hints, work.size(), cv::INTER_NEAREST), bgModel, fgModel;
    try {
        cv::grabCut(work, labels, cv::Rect(), bgModel, fgModel, std::max(1, options.iterations), cv::GC_INIT_WITH_MASK);
    } catch (const cv::Exception& e) {
        throw Error(ErrorCode::Failure, std::string("select subject: OpenCV failed: ") + e.what());
    }
    const cv::Mat subject = cleanUp((labels == cv::GC_FGD) | (labels == cv::GC_PR_FGD));
    // Hints that led GrabCut to (almost) nothing were wrong: the plain rectangle is the safer guess.
    if (cv::countNonZero(subject) * 100 < subject.rows * subject.cols)
        return grabCutFromRect(rgb, defaultSubjectRect(rgb.size()), options);
    return toSize(subject, rgb.size(), cv::INTER_LINEAR) >= 128;
}

}  // namespace chiaro::core
