// LeaseKeeper: renews a running job's lease from its own thread and connection (lease_keeper.h).
#include "chiaro/jobs/lease_keeper.h"

#include <chrono>

#include "chiaro/core/logging.h"

namespace chiaro::jobs {

LeaseKeeper::LeaseKeeper(std::string queuePath, StoreOptions options, int64_t jobId,
                         RunnerIdentity owner, int leaseSeconds, StopCallback onStop)
    : m_path(std::move(queuePath)),
      m_options(options),
      m_jobId(jobId),
      m_owner(std::move(owner)),
      m_leaseSeconds(leaseSeconds),
      m_onStop(std::move(onStop)) {
    m_thread = std::thread([this] { loop(); });
}

LeaseKeeper::~LeaseKeeper() {
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_quit = true;
    }
    m_wake.notify_all();
    m_thread.join();
}

LeaseState LeaseKeeper::state() const {
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_state;
}

void LeaseKeeper::loop() {
    auto log = core::namedLogger("jobs");
    std::unique_ptr<JobStore> store;
    // A third of the lease: two renewals may fail (a busy or slow disk) before the lease lapses.
    const auto interval = std::chrono::milliseconds(std::max(200, m_leaseSeconds * 1000 / 3));
    std::unique_lock<std::mutex> lock(m_mutex);
    while (!m_wake.wait_for(lock, interval, [this] { return m_quit; })) {
        lock.unlock();
        LeaseState renewed = LeaseState::Held;
        bool ok = true;
        try {
            if (!store)
                store = JobStore::open(m_path, m_options);
            renewed = store->renewLease(m_jobId, m_owner, m_leaseSeconds);
        } catch (const std::exception& e) {
            ok = false;
            log->warn("job {}: renewing its lease failed (retried): {}", m_jobId, e.what());
            store.reset();
        }
        lock.lock();
        if (!ok || renewed == m_state)
            continue;
        m_state = renewed;
        if (renewed == LeaseState::Held)
            continue;
        log->info("job {}: {}", m_jobId,
                  renewed == LeaseState::Lost ? "the lease was lost (another runner holds the job)"
                                              : "cancel requested by another client");
        if (m_onStop) {
            lock.unlock();
            m_onStop(renewed);
            lock.lock();
        }
        if (renewed == LeaseState::Lost)
            break;  // nothing left to renew
    }
}

}  // namespace chiaro::jobs
