#pragma once
// Automatic subject masks for the CLI (`mask`, `relight --auto-mask`, `batch --mask-source`):
// GrabCut (no model: from a rectangle when one is given, else selectSubject finds the hints) or the
// bundle's segmenter.pt. The segmenter is loaded once
// per process and kept, so a batch pays its load only for the first photo.
#include <string>

#include <opencv2/core.hpp>

#include "chiaro/pipeline/engine.h"

namespace chiaro::cli {

// method: "grabcut" or "segmenter" ("auto": segmenter when the bundle has one, else GrabCut).
// `box` (GrabCut only) empty = selectSubject (automatic hints, subjects may leave the frame). Returns CV_8UC1 (255 = subject) and
// sets `usedMethod` to the method actually run. Throws Error(ModelBundle) when the segmenter is
// asked for and the bundle has none, Error(Usage) for an unknown method.
cv::Mat computeAutoMask(const std::string& method, const cv::Mat& rgb, const std::string& modelsDir,
                        const core::EngineOptions& engineOptions, std::string* usedMethod = nullptr,
                        cv::Rect box = {}, int grabCutIterations = 5);

}  // namespace chiaro::cli
