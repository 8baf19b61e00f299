#pragma once
// What crosses from the UI thread to the engine thread and back. Jobs and results carry cv::Mat
// pixels, so they travel as shared pointers to immutable values (no copies, no shared mutation).
#include <memory>

#include <QMetaType>
#include <QString>

#include <opencv2/core.hpp>

#include "chiaro/pipeline/engine.h"

namespace chiaro::gui {

struct EngineRequest {
    quint64 id = 0;
    std::shared_ptr<const core::RelightJob> job;
    QString bundleDir;
    core::EngineOptions options;
    // Called directly by the UI thread to cancel; polled by the engine at every sampler step.
    std::shared_ptr<core::CancelToken> cancel;
    // The job has no mask yet: the worker's subject segmenter (the bundle's segmenter.pt) makes it
    // before the relight (the queue's "segmenter" mask source). The job's maskSource becomes "segmenter".
    bool segmentSubject = false;
};

// One-click subject selection on the engine thread. `rgb` is CV_8UC3 RGB, shared and never mutated
// (the caller replaces, not edits, its photo).
struct SegmentRequest {
    quint64 id = 0;
    cv::Mat rgb;
    QString bundleDir;
    core::EngineOptions options;
    std::shared_ptr<core::CancelToken> cancel;  // checked before the model runs (a run is not interruptible)
};

using RelightResultPtr = std::shared_ptr<const core::RelightResult>;

}  // namespace chiaro::gui

Q_DECLARE_METATYPE(chiaro::gui::RelightResultPtr)
