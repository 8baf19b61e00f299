#include "batch_runner.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "chiaro/core/logging.h"
#include "chiaro/jobs/job_cost.h"
#include "progress_bar.h"

namespace chiaro::cli {
namespace fs = std::filesystem;

namespace {

// Signal state: only atomics are touched from the handler.
core::CancelToken g_batchStop;
std::atomic<int> g_signals{0};

extern "C" void onBatchSignal(int) {
    // AfterCurrentImage once the first signal arrived, Now after the second.
    g_batchStop.cancel(g_signals.fetch_add(1) == 0 ? core::CancelMode::AfterCurrentImage
                                                   : core::CancelMode::Now);
}

// Installs the handlers for its lifetime and restores the previous ones.
class SignalScope {
  public:
    SignalScope() {
        g_batchStop.reset();
        g_signals = 0;
        m_int = std::signal(SIGINT, onBatchSignal);
        m_term = std::signal(SIGTERM, onBatchSignal);
    }
    ~SignalScope() {
        std::signal(SIGINT, m_int);
        std::signal(SIGTERM, m_term);
    }

  private:
    void (*m_int)(int);
    void (*m_term)(int);
};

std::string nameOf(const jobs::StoredJob& job) {
    return fs::path(job.spec.inputPath).filename().string();
}

}  // namespace

jobs::ExecutorSummary runBatchQueue(jobs::JobStore& store, core::Engine& engine,
                                    const jobs::ExecutorOptions& options) {
    SignalScope signals;
    std::unique_ptr<ProgressBar> bar;
    int index = 0, total = 0;
    jobs::ExecutorEvents events;
    events.onStart = [&](const jobs::StoredJob&, int i, int n) {
        index = i;
        total = n;
        bar = std::make_unique<ProgressBar>();
    };
    events.onProgress = [&](int step, int steps, double elapsed, double eta) {
        if (bar)
            bar->update(step, steps, elapsed, eta);
    };
    events.onFinish = [&](const jobs::JobReport& report) {
        if (bar)
            bar->finish();
        bar.reset();
        const std::string name = nameOf(report.job);
        switch (report.outcome) {
            case jobs::JobOutcome::Done: {
                const std::string eta =
                    report.queueEta > 0 ? "  (batch ETA " + jobs::formatDuration(report.queueEta) + ")"
                                        : "";
                std::fprintf(stderr, "[%d/%d] %s ... %.1f s%s\n", index, total, name.c_str(),
                             report.seconds, eta.c_str());
                break;
            }
            case jobs::JobOutcome::Failed:
                std::fprintf(stderr, "[%d/%d] %s FAILED: %s\n", index, total, name.c_str(),
                             report.error.c_str());
                break;
            default:
                std::fprintf(stderr, "[%d/%d] %s ... %s\n", index, total, name.c_str(),
                             jobs::jobOutcomeName(report.outcome));
                break;
        }
    };
    events.onLeasedByOthers = [](const std::vector<jobs::StoredJob>& others) {
        for (const auto& job : others) {
            std::fprintf(stderr, "job %lld (%s) is being run by %s; left to it\n",
                         static_cast<long long>(job.id), nameOf(job).c_str(), job.owner.c_str());
        }
    };
    jobs::QueueExecutor executor(store, engine, options, events);
    return executor.run(g_batchStop);
}

}  // namespace chiaro::cli
