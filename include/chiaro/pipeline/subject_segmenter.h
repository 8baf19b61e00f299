#pragma once
// One-click subject selection with a bundle's optional segmenter.pt (BriaRMBG-1.4 architecture,
// CONTRACTS.md §2). Loads only that module (verifying the bundle's checksums, cached), so the CLI's
// `mask` command and the batch runner do not pay for the diffusion models. Thread ownership: like
// Engine, one thread uses a SubjectSegmenter at a time (the GUI's engine worker thread owns it).
#include <memory>
#include <string>

#include <opencv2/core.hpp>

#include "chiaro/pipeline/engine.h"

namespace chiaro::core {

class SubjectSegmenter {
public:
    SubjectSegmenter();
    ~SubjectSegmenter();
    SubjectSegmenter(const SubjectSegmenter&) = delete;
    SubjectSegmenter& operator=(const SubjectSegmenter&) = delete;

    // Whether the bundle's manifest lists a segmenter (reads the manifest only; false when the
    // folder is not a bundle).
    static bool bundleHasSegmenter(const std::string& bundleDir);

    // Loads (or keeps, when unchanged) the bundle's segmenter. Throws Error(ModelBundle) naming the
    // bundle when it has none, or the file when it is corrupt; Error(Usage) for bad options.
    void load(const std::string& bundleDir, const EngineOptions& options = {});
    bool isLoaded() const;
    int inputSize() const;  // S of the model's [1, 3, S, S] input

    // The subject's matte for an RGB photo (CV_8UC3, any size): CV_8UC1 of the same size, 255 =
    // subject. Throws Error(BadInput) for an empty/wrong-type image, Error(Failure) for a
    // non-finite model output. `cancel` (optional) is checked before and after the model's forward
    // call (one call of a foreign architecture: it cannot be stepped); Error(Cancelled) when set to Now.
    cv::Mat segment(const cv::Mat& rgb, const CancelToken* cancel = nullptr) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace chiaro::core
