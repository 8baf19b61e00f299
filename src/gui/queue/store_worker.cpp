#include "queue/store_worker.h"

#include <QThread>

#include "chiaro/core/logging.h"

namespace chiaro::gui {

StoreWorker::StoreWorker(std::unique_ptr<jobs::JobStore> store, QObject* parent)
    : QObject(parent), m_store(std::move(store)), m_path(m_store->path()) {
    m_thread = QThread::create([this] { loop(); });
    m_thread->setObjectName(QStringLiteral("queue store"));  // the OS thread name on Linux
    m_thread->start();
}

StoreWorker::~StoreWorker() {
    {
        std::lock_guard lock(m_mutex);
        m_quit = true;
        m_drainUntil = std::chrono::steady_clock::now() + std::chrono::milliseconds(kDrainMs);
    }
    m_wake.notify_all();
    m_thread->wait();  // the posted calls, for up to kDrainMs, and the one then running
    delete m_thread;
    if (m_dropped > 0)
        core::namedLogger("gui")->info("queue: {} store call(s) not run: the queue was closed", m_dropped);
    // Callbacks already posted to this object are discarded by Qt with it.
}

void StoreWorker::post(Task task) {
    ++m_pending;
    {
        std::lock_guard lock(m_mutex);
        m_tasks.push_back(std::move(task));
    }
    m_wake.notify_one();
}

void StoreWorker::deliver(std::function<void()> onUiThread) {
    QMetaObject::invokeMethod(this, std::move(onUiThread), Qt::QueuedConnection);
}

void StoreWorker::fireAndForget(const char* what, std::function<void(jobs::JobStore&)> work) {
    post([what, work = std::move(work)](jobs::JobStore& store) {
        try {
            work(store);
        } catch (const std::exception& e) {
            core::namedLogger("gui")->debug("queue: {} not saved: {}", what, e.what());
        }
    });
}

void StoreWorker::loop() {
    for (;;) {
        Task task;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_quit || !m_tasks.empty(); });
            if (m_quit && (m_tasks.empty() || std::chrono::steady_clock::now() >= m_drainUntil)) {
                m_dropped = m_tasks.size();
                m_tasks.clear();
                return;
            }
            task = std::move(m_tasks.front());
            m_tasks.pop_front();
        }
        task(*m_store);  // never throws: call() and fireAndForget() catch
        // After the task's own callback (same receiver, posted earlier: delivered first).
        deliver([this] {
            if (--m_pending == 0) Q_EMIT idle();
        });
    }
}

}  // namespace chiaro::gui
