#pragma once
// The job queue as a list model over the persistent JobStore (chiaro/jobs/job_store.h). Lives on
// the UI thread and owns the store's connection for it (a JobStore is one connection per thread).
// Every edit goes to the store first and the model re-reads it, so what the list shows is what
// survives a restart, and what a `chiaro-cli batch` sharing the file does shows up on the next
// reload. Rows are in queue order (position); drag and drop reorders queued jobs via moveBefore.
// ETAs come from the one cost model of chiaro/jobs/job_cost.h, the same numbers as the CLI's.
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include <QAbstractListModel>
#include <QImage>

#include "chiaro/jobs/eta_estimator.h"
#include "chiaro/jobs/job_cost.h"
#include "chiaro/jobs/job_store.h"

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
        ThumbnailRole,  // QImage, about kThumb pixels on the long side (empty when unreadable)
        EtaRole,        // seconds left for this job (double; < 0 unknown, 0 finished)
        ErrorRole,
        OutputRole,
    };
    static constexpr int kThumb = 56;

    // Takes the open store (see openDefault). Throws nothing; the store was opened by the caller.
    explicit QueueModel(std::unique_ptr<jobs::JobStore> store, QObject* parent = nullptr);
    ~QueueModel() override;
    // `<AppDataLocation>/queue.sqlite` (created when missing). Throws core::Error.
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

    jobs::JobStore& store() { return *m_store; }
    const jobs::StoredJob& job(int row) const { return m_jobs.at(static_cast<size_t>(row)); }
    int rowOf(int64_t id) const;  // -1 when not listed

    // Editing (store first, then reload). Ids of jobs not in the right state are ignored.
    std::vector<int64_t> enqueue(const std::vector<jobs::JobSpec>& specs);
    int cancelQueued(const std::vector<int64_t>& ids);
    int cancelAllQueued();
    int retryFailed();                        // failed and cancelled -> queued
    void retry(int64_t id);
    // Running jobs of other runners (a CLI batch on the same file): asks their runner to stop them.
    int requestCancel(const std::vector<int64_t>& ids);
    void moveBefore(int64_t id, int64_t beforeId);  // beforeId 0 = to the end
    int clearFinished();
    void setPaused(bool paused);
    bool isPaused() const;

    // Progress of this app's running job (the runner calls it; the runner writes it to the store).
    void setProgress(int64_t id, double progress);
    // Re-reads every row from the store (after the runner changed states).
    void reload();

    const core::EtaEstimator& eta() const { return m_eta; }
    // One finished job's measured time, kept under the device's and precision's key.
    void recordJobTime(const core::JobCost& cost, double seconds, const std::string& etaKey);
    // Seconds for every queued job plus what is left of the running ones; < 0 when nothing measured.
    double queueEta() const;

Q_SIGNALS:
    void pausedChanged(bool paused);
    void jobsEnqueued();

private:
    void useEtaKey(const std::string& key);
    QImage thumbnail(const jobs::StoredJob& job) const;

    std::unique_ptr<jobs::JobStore> m_store;
    std::vector<jobs::StoredJob> m_jobs;
    mutable std::map<int64_t, QImage> m_thumbs;  // by id*2 (+1 once done); read when first shown
    core::EtaEstimator m_eta;
    std::string m_etaKey;  // the setting m_eta came from (the device the app's engine last used)
};

}  // namespace chiaro::gui
