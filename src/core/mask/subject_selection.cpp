#include "chiaro/mask/subject_selection.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"
#include "grabcut_run.h"
#include "subject_cues.h"

namespace chiaro::core {
namespace {

namespace cues = subject_cues;

constexpr int kAnalysisSide = 320;       // hints and the first cut: cheap, and enough for the shape
constexpr int kDetailSide = 1024;        // where the edges in focus are found
constexpr double kStrip = 0.04;          // border strip width, fraction of the shorter side
constexpr double kFarColour = 25.0;      // Lab distance: a colour the border does not have
constexpr double kNoiseBlur = 1.5;       // px: denoises a noisy photo before its colours and edges are read
constexpr double kRefineRatio = 1.5;     // refine the edge when the working size is this much larger
constexpr double kSharpBlur = 1.2;       // px: an edge blurred less than this is in focus
constexpr double kWideHint = 0.6;        // a focus hint over this share of the frame is no subject

// GrabCut from a label image (cv::GC_* values). Leaves the labels as they are when they hold no
// subject or no background to learn from.
void cut(const cv::Mat& rgb, cv::Mat& labels, int iterations) {
    const bool anySubject = cv::countNonZero((labels == cv::GC_FGD) | (labels == cv::GC_PR_FGD)) > 0;
    const bool anyBackground = cv::countNonZero((labels == cv::GC_BGD) | (labels == cv::GC_PR_BGD)) > 0;
    if (anySubject && anyBackground) grabcut_run::run(rgb, labels, cv::Rect(), cv::GC_INIT_WITH_MASK, iterations);
}

cv::Mat subjectOf(const cv::Mat& labels) { return cues::keepSubject((labels == cv::GC_FGD) | (labels == cv::GC_PR_FGD)); }

// The analysis copy of the photo and what is read off it.
struct Analysis {
    cv::Mat rgb;   // CV_8UC3, denoised when the photo is noisy
    cv::Mat lab;   // CV_32FC3 of rgb, lightly blurred
    cv::Mat sharpEdges; // 0/255, the edges in focus
    std::array<cv::Mat, 4> leaving;
    int strip = 2;
    cv::Rect inset;  // defaultSubjectRect at this size
};

cv::Mat toLab(const cv::Mat& rgb) {
    cv::Mat f, lab;
    rgb.convertTo(f, CV_32FC3, 1.0 / 255.0);
    cv::cvtColor(f, lab, cv::COLOR_RGB2Lab);
    return lab;
}

cv::Mat lightnessOf(const cv::Mat& lab) {
    cv::Mat l;
    cv::extractChannel(lab, l, 0);
    return l;
}

// `rgb` brought down by `scale`; the photo itself (not a copy) when the scale is 1.
cv::Mat scaledBy(const cv::Mat& rgb, double scale) {
    if (scale >= 1.0) return rgb;
    cv::Mat out;
    cv::resize(rgb, out, cv::Size(), scale, scale, cv::INTER_AREA);
    return out;
}

// The edges in focus, found on `detail` (the photo at up to kDetailSide) and marked at `size`: at
// 320 px a 24 MP photo's background blurred by 10 px is as crisp as its subject, at 1024 it is not.
cv::Mat edgesInFocus(const cv::Mat& detail, cv::Size size) {
    cv::Mat lab = toLab(detail);
    // Sensor noise would make every edge look sharp: blur it away, and allow for that blur.
    const bool noisy = cues::noiseLevel(lightnessOf(lab)) > cues::kNoisy;
    if (noisy) {
        cv::Mat denoised;  // not in place: `detail` may be the caller's photo
        cv::GaussianBlur(detail, denoised, cv::Size(), kNoiseBlur);
        lab = toLab(denoised);
    }
    const cv::Mat edges = cues::sharpEdges(lightnessOf(lab), noisy ? std::hypot(kSharpBlur, kNoiseBlur) : kSharpBlur);
    if (edges.size() == size) return edges;
    cv::Mat marked;
    cv::resize(edges, marked, size, 0, 0, cv::INTER_AREA);  // an edge anywhere in a pixel marks it
    return marked > 0;
}

Analysis analyse(const cv::Mat& rgb, const cv::Mat& detail) {
    Analysis a;
    const double scale = std::min(1.0, static_cast<double>(kAnalysisSide) / std::max(rgb.cols, rgb.rows));
    cv::resize(rgb, a.rgb, cv::Size(), scale, scale, cv::INTER_AREA);
    cv::Mat lab = toLab(a.rgb);
    // Strong sensor noise scatters the colour models: denoise first.
    if (cues::noiseLevel(lightnessOf(lab)) > cues::kNoisy) {
        cv::GaussianBlur(a.rgb, a.rgb, cv::Size(), kNoiseBlur);
        lab = toLab(a.rgb);
    }
    a.sharpEdges = edgesInFocus(detail, a.rgb.size());
    cv::GaussianBlur(lab, a.lab, cv::Size(3, 3), 0);
    a.strip = std::max(2, static_cast<int>(std::lround(std::min(a.rgb.cols, a.rgb.rows) * kStrip)));
    a.leaving = cues::subjectLeavingFrame(a.lab, a.strip);
    a.inset = defaultSubjectRect(a.rgb.size());
    return a;
}

// Border strips are background except where `leaving` says the subject leaves the frame; the rest
// starts as probably background.
cv::Mat borderLabels(const Analysis& a, const std::array<cv::Mat, 4>& leaving) {
    cv::Mat labels(a.rgb.size(), CV_8UC1, cv::Scalar(cv::GC_PR_BGD));
    for (int side = 0; side < 4; ++side)
        labels(cues::borderStrip(a.rgb.size(), side, a.strip)).setTo(cv::GC_BGD, leaving[side] == 0);
    for (int side = 0; side < 4; ++side)  // after all sides: a corner must not undo another side's subject
        labels(cues::borderStrip(a.rgb.size(), side, a.strip)).setTo(cv::GC_PR_FGD, leaving[side]);
    return labels;
}

// Hints from colour: inside the default rectangle, the colours the border lacks (the rectangle
// itself when there are too few of them).
cv::Mat colourHints(const Analysis& a) {
    cv::Mat labels = borderLabels(a, a.leaving);
    const cv::Mat samples = cues::borderColours(a.lab, a.strip, a.leaving);
    cv::Mat candidate = cv::Mat::zeros(a.rgb.size(), CV_8UC1);
    if (samples.rows >= 8) {
        const cv::Mat far = cues::distanceToColours(a.lab, samples, 8) > kFarColour;
        far(a.inset).copyTo(candidate(a.inset));
        cv::morphologyEx(candidate, candidate, cv::MORPH_OPEN, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(5, 5)));
        candidate = cues::keepSubject(candidate);
    }
    if (cv::countNonZero(candidate) > 0.02 * candidate.total()) labels.setTo(cv::GC_PR_FGD, candidate);
    else labels(a.inset).setTo(cv::GC_PR_FGD);
    return labels;
}

// The first cut, at the analysis size.
cv::Mat selectAtAnalysisSize(const Analysis& a, int iterations) {
    auto log = namedLogger("core");
    // In focus against a defocused background: the outline of the edges in focus, closed by the
    // frame where the subject leaves it, its hull where it did not close.
    cv::Mat outline;
    cv::dilate(a.sharpEdges, outline, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(5, 5)));  // bridges gaps
    const cv::Mat focus = cues::convexHulls(cues::keepSubject(cues::fillEnclosed(outline)));
    const int focusArea = cv::countNonZero(focus);
    if (focusArea == 0 || focusArea > kWideHint * focus.total()) {
        // Nothing in focus, or the background as sharp as the subject (a busy scene, a studio
        // shot in focus throughout): focus says nothing, colour it is.
        log->debug("select subject: focus hint over {} px, colour hints", focusArea);
        cv::Mat labels = colourHints(a);
        cut(a.rgb, labels, iterations);
        return subjectOf(labels);
    }
    // A subject that runs out of the frame is in focus where it meets it: border colours of their
    // own but out of focus are background (a bright wall, the rim of a blurred cup).
    cv::Mat near;
    cv::dilate(focus, near, cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * a.strip + 1, 2 * a.strip + 1)));
    std::array<cv::Mat, 4> leavingInFocus;
    for (int side = 0; side < 4; ++side)
        leavingInFocus[side] = a.leaving[side] & near(cues::borderStrip(a.rgb.size(), side, a.strip));
    cv::Mat labels = borderLabels(a, leavingInFocus);
    labels.setTo(cv::GC_PR_FGD, focus);
    cut(a.rgb, labels, iterations);
    cv::Mat subject = subjectOf(labels);
    // A cut that keeps little of the focus hint says the hint was not the subject (a sharp
    // background detail): start again from the colours.
    if (cv::countNonZero(subject & focus) < 0.3 * focusArea) {
        log->debug("select subject: the focus hint did not hold, colour hints");
        cv::Mat retry = colourHints(a);
        cut(a.rgb, retry, iterations);
        subject = subjectOf(retry);
    }
    return subject;
}

// Cuts the edge again at the working size, in a band around the analysis result: the shape comes
// from the small copy, the edge from the pixels.
cv::Mat refineEdge(const cv::Mat& work, const cv::Mat& coarse, double ratio) {
    cv::Mat up;
    cv::resize(coarse, up, work.size(), 0, 0, cv::INTER_LINEAR);
    up = up >= 128;
    const int radius = static_cast<int>(std::ceil(1.5 * ratio)) + 2;
    const cv::Mat element = cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * radius + 1, 2 * radius + 1));
    cv::Mat inner, outer;
    cv::erode(up, inner, element);
    cv::dilate(up, outer, element);
    cv::Mat labels(work.size(), CV_8UC1, cv::Scalar(cv::GC_BGD));
    labels.setTo(cv::GC_PR_BGD, outer);
    labels.setTo(cv::GC_PR_FGD, up);
    labels.setTo(cv::GC_FGD, inner);
    cut(work, labels, 2);
    return (labels == cv::GC_FGD) | (labels == cv::GC_PR_FGD);
}

}  // namespace

cv::Mat selectSubject(const cv::Mat& rgb, const GrabCutOptions& options) {
    if (rgb.empty() || rgb.type() != CV_8UC3)
        throw Error(ErrorCode::BadInput, "select subject: the photo must be a non-empty 8-bit RGB image");
    if (rgb.cols < 16 || rgb.rows < 16)  // too small to hold a border and a subject
        return cv::Mat::zeros(rgb.size(), CV_8UC1);

    // The copy the edges in focus are read on doubles as the working copy when they are the same
    // size (the default): a 24 MP photo is brought down once.
    GrabCutOptions detailSize;
    detailSize.maxWorkingSide = kDetailSide;
    const double detailScale = grabcut_run::workingScale(rgb.size(), detailSize);
    const cv::Mat detail = scaledBy(rgb, detailScale);
    const Analysis a = analyse(rgb, detail);
    cv::Mat subject = selectAtAnalysisSize(a, options.iterations);
    if (cv::countNonZero(subject) < 0.01 * subject.total()) {
        // Nothing held: the plain centred rectangle is the safer guess.
        namedLogger("core")->debug("select subject: no hint held, default rectangle");
        cv::Mat labels(a.rgb.size(), CV_8UC1, cv::Scalar(cv::GC_BGD));
        labels(a.inset).setTo(cv::GC_PR_FGD);
        cut(a.rgb, labels, options.iterations);
        subject = subjectOf(labels);
    }

    const double scale = grabcut_run::workingScale(rgb.size(), options);
    const double ratio = scale * std::max(rgb.cols, rgb.rows) / std::max(a.rgb.cols, a.rgb.rows);
    if (ratio >= kRefineRatio)
        subject = refineEdge(scale == detailScale ? detail : scaledBy(rgb, scale), subject, ratio);
    return grabcut_run::toFullSize(subject, rgb.size());
}

}  // namespace chiaro::core
