#pragma once
// What crosses from the UI thread to the engine thread and back. Jobs and results carry cv::Mat
// pixels, so they travel as shared pointers to immutable values (no copies, no shared mutation).
#include <memory>

#include <QMetaType>
#include <QString>

#include "chiaro/pipeline/engine.h"

namespace chiaro::gui {

struct EngineRequest {
    quint64 id = 0;
    std::shared_ptr<const core::RelightJob> job;
    QString bundleDir;
    core::EngineOptions options;
    // Called directly by the UI thread to cancel; polled by the engine at every sampler step.
    std::shared_ptr<core::CancelToken> cancel;
};

using RelightResultPtr = std::shared_ptr<const core::RelightResult>;

}  // namespace chiaro::gui

Q_DECLARE_METATYPE(chiaro::gui::RelightResultPtr)
