#pragma once
// `chiaro-cli batch`'s side of the queue executor (chiaro/jobs/queue_executor.h): signal handling
// (the first SIGINT/SIGTERM stops after the current image, the second cancels it now; jobs
// stopped early go back to `queued`) and the progress lines on stderr.
#include "chiaro/jobs/queue_executor.h"

namespace chiaro::cli {

// Runs the queue until it is empty or a signal stops it. Throws core::Error(ModelBundle) when the
// bundle cannot be loaded (the queue stays resumable).
jobs::ExecutorSummary runBatchQueue(jobs::JobStore& store, core::Engine& engine,
                                    const jobs::ExecutorOptions& options);

}  // namespace chiaro::cli
