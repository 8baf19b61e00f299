#pragma once
// Keeps a claimed job's lease alive while the job runs: a thread with its own queue connection
// renews the lease every third of its length. When another client asks for the job to stop
// (JobStore::requestCancel) or the lease is lost (the runner stalled past it and another runner
// took the job), `onStop` is called once, from the keeper's thread, so the runner can cancel the
// engine. Renewal errors (a disk hiccup) are logged and retried at the next tick; the lease only
// lapses if they persist for its whole length.
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "chiaro/jobs/job_store.h"

namespace chiaro::jobs {

class LeaseKeeper {
public:
    using StopCallback = std::function<void(LeaseState why)>;

    LeaseKeeper(std::string queuePath, StoreOptions options, int64_t jobId, RunnerIdentity owner,
                int leaseSeconds, StopCallback onStop);
    ~LeaseKeeper();  // stops the thread (waits at most one SQLite busy timeout)
    LeaseKeeper(const LeaseKeeper&) = delete;
    LeaseKeeper& operator=(const LeaseKeeper&) = delete;

    // The last state seen (Held until a renewal says otherwise).
    LeaseState state() const;

private:
    void loop();

    std::string m_path;
    StoreOptions m_options;
    int64_t m_jobId;
    RunnerIdentity m_owner;
    int m_leaseSeconds;
    StopCallback m_onStop;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_quit = false;
    LeaseState m_state = LeaseState::Held;
    std::thread m_thread;
};

}  // namespace chiaro::jobs
