#pragma once
// The job queue as a list model over the persistent JobStore (chiaro/jobs/job_store.h). The model
// lives on the UI thread; its store lives on a StoreWorker (store_worker.h): another runner may
// hold the file's write lock for up to the 10 s busy timeout, and the window must not freeze. Reads
// from the views (rowCount, data, job(r), isPaused) use the snapshot the model last received, so
// they stay synchronous and cheap. Every edit is posted to the store thread, which re-reads the
// rows after it (also when the edit throws part-way), so what the list shows is what survives a
// restart, and what a `chiaro-cli batch` sharing the file does shows up on the next reload. Edits
// run in the order they are posted. Rows are in queue order (position); drag and drop reorders
// queued jobs via moveBefore. ETAs come from the one cost model of chiaro/jobs/job_cost.h.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include <QAbstractListModel>
#include <QImage>
#include <QPointer>
#include <QWidget>

#include "chiaro/jobs/eta_estimator.h"
#include "chiaro/jobs/job_cost.h"
#include "chiaro/jobs/job_store.h"
#include "queue/store_worker.h"
#include "util/slot_guard.h"

namespace chiaro::gui {

class QueueModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        StateRole,      // jobs::JobState as int
        StateNameRole,  // "queued", "running", ...
        ProgressRole,   // 0..1
        LabelRole,
        ThumbnailRole,  // QImage, about kThumb pixels on the long side; empty while it is decoded
                        // off the UI thread (dataChanged follows) and when the file is unreadable
        EtaRole,        // seconds left for this job (double; < 0 unknown, 0 finished)
        ErrorRole,
        OutputRole,
    };
    static constexpr int kThumb = 56;
    static constexpr size_t kMaxThumbs = 512;  // decoded thumbnails kept (about 12 KiB each)

    // Takes the open store (see openDefault) and moves it to the store thread; the rows, the pause
    // flag and the ETA arrive with the first reload (`reloaded` follows). Throws nothing.
    explicit QueueModel(std::unique_ptr<jobs::JobStore> store, QObject* parent = nullptr);
    // Lets the store call running finish (at most one busy timeout); calls not started are dropped.
    ~QueueModel() override;
    // `<AppDataLocation>/queue.sqlite` (created when missing). Throws core::Error. Blocking: the
    // one store call of the app on the UI thread, once at start-up (MainWindow::attachQueue).
    static std::unique_ptr<jobs::JobStore> openDefault();
    static QString defaultPath();

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    Qt::DropActions supportedDropActions() const override { return Qt::MoveAction; }
    QStringList mimeTypes() const override;
    QMimeData* mimeData(const QModelIndexList& indexes) const override;
    bool dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                      const QModelIndex& parent) override;

    StoreWorker& storeWorker() { return *m_store; }
    const std::string& storePath() const { return m_store->path(); }
    const jobs::StoredJob& job(int row) const { return m_jobs.at(static_cast<size_t>(row)); }
    int rowOf(int64_t id) const;  // -1 when not listed

    // How an edit ended, on the UI thread after its rows were applied: ok false when the store
    // threw (then already reported through guarded(), util/slot_guard.h, as "Cannot <action>").
    template <typename T>
    using Reply = std::function<void(bool ok, const T& value)>;
    // Failure messages of edits go to this widget's window (the dock); nullptr: the active window.
    void setMessageParent(QWidget* widget) { m_messageParent = widget; }

    // Runs `change` on the store thread, then re-reads the rows there (also when `change` threw);
    // on the UI thread applies the rows, reports a failure as "Cannot <action>: <reason>" and calls
    // `done`. Returns at once. The building block of every edit below (and the runner's).
    // `messageParent` (nullptr: the one of setMessageParent) picks the window of a failure message.
    template <typename T>
    void edit(const QString& action, std::function<T(jobs::JobStore&)> change, Reply<T> done = {},
              QWidget* messageParent = nullptr);

    // Editing, all asynchronous (see edit). Ids of jobs not in the right state are ignored; the
    // reply's value is what the store changed.
    // `action` names it in a failure message (default "add the jobs to the queue").
    void enqueueAll(const std::vector<jobs::JobSpec>& specs, Reply<std::vector<int64_t>> done = {},
                    const QString& action = {}, QWidget* messageParent = nullptr);
    void cancelQueued(const std::vector<int64_t>& ids, Reply<int> done = {});
    void cancelAllQueued(Reply<int> done = {});
    void retryFailed(Reply<int> done = {});  // failed and cancelled -> queued
    void retry(int64_t id, Reply<bool> done = {});
    // Running jobs of other runners (a CLI batch on the same file): asks their runner to stop them.
    void requestCancel(const std::vector<int64_t>& ids, Reply<int> done = {});
    void moveBefore(int64_t id, int64_t beforeId, Reply<bool> done = {});  // beforeId 0 = to the end
    void moveAll(const std::vector<int64_t>& ids, int64_t beforeId, Reply<bool> done = {});  // in order
    void clearFinished(Reply<int> done = {});
    // pausedChanged follows once the store has it; isPaused() keeps the old value until then.
    void setPaused(bool paused, Reply<bool> done = {});
    // The "paused" setting as last read (every reload and edit reads it).
    bool isPaused() const { return m_paused; }

    // Progress of this app's running job (the runner calls it; the runner writes it to the store).
    void setProgress(int64_t id, double progress);
    // Re-reads every row on the store thread; `reloaded` follows. A failed read keeps the rows it
    // had (no half-reset model) and is reported as "Cannot read the queue" (once while it goes on
    // failing). A reload asked while one is waiting to run is merged into it.
    void reload();

    const core::EtaEstimator& eta() const { return m_eta; }
    // One finished job's measured time, kept under the device's and precision's key (posted).
    void recordJobTime(const core::JobCost& cost, double seconds, const std::string& etaKey);
    // Seconds for every queued job plus what is left of the running ones; < 0 when nothing measured.
    double queueEta() const;

Q_SIGNALS:
    void pausedChanged(bool paused);
    void jobsEnqueued();
    // Rows (and the pause flag) from the store were applied: after every reload and edit.
    void reloaded();

private:
    // What the store thread reads after each call: the rows and the pause flag.
    struct Snapshot {
        std::vector<jobs::StoredJob> jobs;
        bool paused = false;
    };
    template <typename T>
    struct Edited {
        std::optional<T> value;
        QString error;                  // `change` threw
        std::optional<Snapshot> rows;  // empty when the re-read failed too
    };
    static Snapshot readRows(jobs::JobStore& store);                     // store thread; throws
    static std::optional<Snapshot> readSnapshot(jobs::JobStore& store);  // the same; logs instead
    void apply(Snapshot snapshot);
    // The cached thumbnail of the job's picture, or an empty image while decodeThumbnail runs.
    QImage thumbnail(const jobs::StoredJob& job) const;
    void decodeThumbnail(const QString& path) const;
    void thumbnailReady(const QString& path, const QImage& image);

    std::unique_ptr<StoreWorker> m_store;
    std::vector<jobs::StoredJob> m_jobs;
    // By file path (the output once done, else the input); a null image for an unreadable file,
    // so it is not decoded again. Decoded on Qt's thread pool, stored here on the UI thread.
    mutable std::map<QString, QImage> m_thumbs;
    mutable std::set<QString> m_decoding;  // paths whose decode is running
    bool m_paused = false;  // the last "paused" setting read
    bool m_reloadQueued = false;  // a reload is posted and has not run yet
    QPointer<QWidget> m_messageParent;
    core::EtaEstimator m_eta;
    std::string m_etaKey;  // the setting m_eta came from (the device the app's engine last used)
};

template <typename T>
void QueueModel::edit(const QString& action, std::function<T(jobs::JobStore&)> change, Reply<T> done,
                      QWidget* messageParent) {
    using Result = Edited<T>;
    QPointer<QWidget> parent(messageParent ? messageParent : m_messageParent.data());
    m_store->call<Result>(
        [change = std::move(change)](jobs::JobStore& store) {
            Result result;
            try {
                result.value = change(store);
            } catch (const std::exception& e) {
                result.error = QString::fromStdString(e.what());
            } catch (...) {
                result.error = tr("unknown error");
            }
            result.rows = readSnapshot(store);
            return result;
        },
        [this, action, parent, done = std::move(done)](const StoreResult<Result>& posted) {
            if (!posted.ok()) {  // only something not derived from std::exception gets here
                reportFailure(parent, action, posted.error);
                if (done) done(false, T{});
                return;
            }
            const Result& result = *posted.value;
            if (result.rows) apply(*result.rows);
            if (!result.error.isEmpty()) reportFailure(parent, action, result.error);
            if (done) done(result.error.isEmpty(), result.value.value_or(T{}));
        });
}

}  // namespace chiaro::gui
