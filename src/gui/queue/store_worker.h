#pragma once
// The queue store's own thread. A JobStore is one SQLite connection with a 10 s busy timeout, and
// another runner (`chiaro-cli batch`, a second app) may hold the file's write lock: any store call
// on the UI thread could freeze the window that long. StoreWorker owns the app's JobStore on one
// thread of its own; the UI thread posts work and gets the result (or the exception's text) back
// on the UI thread, in the order the work was posted (one thread, FIFO: an edit posted after
// another sees its effect).
//
// Thread ownership: the StoreWorker object lives on the UI thread; the JobStore is only touched by
// its thread. Callbacks run on the StoreWorker's thread affinity (the UI thread) from the event
// loop, never inside call(). Destruction runs the calls already posted (a finished job's state,
// a job given back) for up to kDrainMs, then drops the rest (logged) and all callbacks, and
// closes the store.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>

#include <QObject>
#include <QString>

#include "chiaro/jobs/job_store.h"

class QThread;

namespace chiaro::gui {

// What a posted call gave: its value, or the text of the exception it threw (no exception
// crosses threads).
template <typename R>
struct StoreResult {
    std::optional<R> value;
    QString error;
    bool ok() const { return value.has_value(); }
};

class StoreWorker : public QObject {
    Q_OBJECT
public:
    // How long the destructor goes on running posted calls: each is milliseconds unless another
    // runner holds the lock, and a quit must stay quick.
    static constexpr int kDrainMs = 1000;

    explicit StoreWorker(std::unique_ptr<jobs::JobStore> store, QObject* parent = nullptr);
    ~StoreWorker() override;

    // The store's file (copied at construction: readable on any thread).
    const std::string& path() const { return m_path; }

    // Runs `work` on the store thread, then `done(result)` on the UI thread. Never throws; the
    // callback is dropped when the StoreWorker is destroyed first.
    template <typename R>
    void call(std::function<R(jobs::JobStore&)> work, std::function<void(const StoreResult<R>&)> done) {
        post([this, work = std::move(work), done = std::move(done)](jobs::JobStore& store) {
            auto result = std::make_shared<StoreResult<R>>();
            try {
                result->value = work(store);
            } catch (const std::exception& e) {
                result->error = QString::fromStdString(e.what());
            } catch (...) {
                result->error = tr("unknown error");
            }
            if (done) deliver([done, result] { done(*result); });
        });
    }
    // Work whose outcome nobody waits for (progress notes): a failure is logged at debug level.
    void fireAndForget(const char* what, std::function<void(jobs::JobStore&)> work);

    // Calls posted whose callbacks have not run yet (the one running included); UI thread.
    int pending() const { return m_pending; }

Q_SIGNALS:
    // Every posted call has finished and its callback ran (tests wait for it).
    void idle();

private:
    using Task = std::function<void(jobs::JobStore&)>;
    void post(Task task);
    void deliver(std::function<void()> onUiThread);  // store thread -> UI thread
    void loop();

    std::unique_ptr<jobs::JobStore> m_store;
    std::string m_path;
    QThread* m_thread = nullptr;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Task> m_tasks;  // guarded by m_mutex
    bool m_quit = false;       // guarded by m_mutex
    std::chrono::steady_clock::time_point m_drainUntil;  // guarded by m_mutex; set with m_quit
    size_t m_dropped = 0;      // calls not run at quit; written by the thread before it ends
    int m_pending = 0;         // UI thread: posted minus delivered-or-dropped
};

}  // namespace chiaro::gui
