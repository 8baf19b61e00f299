#include "queue/queue_model.h"

#include <algorithm>
#include <cmath>

#include <QDataStream>
#include <QDir>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QImageReader>
#include <QMimeData>
#include <QStandardPaths>
#include <QtConcurrent/QtConcurrentRun>

#include "chiaro/core/logging.h"
#include "chiaro/pipeline/relight_job.h"
#include "util/slot_guard.h"

namespace chiaro::gui {
namespace {

using jobs::JobState;
using jobs::StoredJob;

constexpr const char* kMime = "application/x-chiaro-queue-ids";
// Which device's measured times the dock shows before the app has run a job itself.
constexpr const char* kLastEtaKey = "eta/last";

// The picture a row shows: the output once it exists, else the input photo.
QString thumbnailSource(const StoredJob& job) {
    return QString::fromStdString(job.state == JobState::Done ? job.spec.outputPath : job.spec.inputPath);
}

// Runs on Qt's thread pool. Scaled while decoding (cheap for big JPEGs); a null image when the
// file is missing or damaged (QImageReader reports, never throws).
QImage readThumbnail(const QString& path, int side) {
    QImageReader reader(path);
    reader.setAutoTransform(true);
    const QSize size = reader.size();
    if (size.isValid()) reader.setScaledSize(size.scaled(side, side, Qt::KeepAspectRatio));
    return reader.read();
}

}  // namespace

// The first read runs on the store thread like every other: the ETA key and measurements, then
// the rows. Until it arrives the list is empty and not paused.
QueueModel::QueueModel(std::unique_ptr<jobs::JobStore> store, QObject* parent)
    : QAbstractListModel(parent), m_store(std::make_unique<StoreWorker>(std::move(store))) {
    struct Eta {
        std::string key;
        core::EtaEstimator eta;
    };
    edit<Eta>(tr("read the queue"), [](jobs::JobStore& s) {
        Eta eta;
        eta.key = s.setting(kLastEtaKey, jobs::etaSettingKey("cpu", "auto"));
        jobs::loadEta(s, eta.key, eta.eta);
        return eta;
    }, [this](bool ok, const Eta& eta) {
        if (!ok) return;
        m_etaKey = eta.key;
        m_eta = eta.eta;
    });
}

// The measurement is merged on the store thread: re-read first (a CLI runner on the same file may
// have added measurements since), then saved; the model's copy is replaced by what was saved.
void QueueModel::recordJobTime(const core::JobCost& cost, double seconds, const std::string& etaKey) {
    edit<core::EtaEstimator>(tr("record the job's time"), [cost, seconds, etaKey](jobs::JobStore& s) {
        core::EtaEstimator eta;
        jobs::loadEta(s, etaKey, eta);
        eta.record(cost, seconds);
        jobs::saveEta(s, etaKey, eta);
        s.setSetting(kLastEtaKey, etaKey);
        return eta;
    }, [this, etaKey](bool ok, const core::EtaEstimator& eta) {
        if (!ok) return;
        m_etaKey = etaKey;
        m_eta = eta;
        if (!m_jobs.empty()) Q_EMIT dataChanged(index(0), index(rowCount() - 1), {EtaRole});
    });
}

QueueModel::~QueueModel() = default;

QString QueueModel::defaultPath() {
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QDir().mkpath(dir);
    return QDir(dir).filePath("queue.sqlite");
}

std::unique_ptr<jobs::JobStore> QueueModel::openDefault() {
    return jobs::JobStore::open(defaultPath().toStdString());
}

QueueModel::Snapshot QueueModel::readRows(jobs::JobStore& store) {
    Snapshot snapshot;
    snapshot.jobs = store.jobs();
    snapshot.paused = store.setting("paused", "0") == "1";
    return snapshot;
}

std::optional<QueueModel::Snapshot> QueueModel::readSnapshot(jobs::JobStore& store) {
    try {
        return readRows(store);
    } catch (const std::exception& e) {
        core::namedLogger("gui")->warn("queue: cannot re-read the queue: {}", e.what());
        return std::nullopt;
    }
}

void QueueModel::apply(Snapshot snapshot) {
    beginResetModel();
    m_jobs = std::move(snapshot.jobs);
    endResetModel();
    if (snapshot.paused != m_paused) {
        m_paused = snapshot.paused;
        Q_EMIT pausedChanged(m_paused);
    }
    Q_EMIT reloaded();
}


void QueueModel::reload() {
    if (m_reloadQueued) return;  // the waiting one will read what this one would
    m_reloadQueued = true;
    m_store->call<Snapshot>(&QueueModel::readRows,  // a throw keeps the rows as they are
                            [this](const StoreResult<Snapshot>& result) {
        m_reloadQueued = false;
        if (result.ok()) apply(*result.value);
        else reportFailure(m_messageParent, tr("read the queue"), result.error);
    });
}

int QueueModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_jobs.size());
}

int QueueModel::rowOf(int64_t id) const {
    for (size_t i = 0; i < m_jobs.size(); ++i)
        if (m_jobs[i].id == id) return static_cast<int>(i);
    return -1;
}

// data() runs on the UI thread while the list paints: it never decodes, it returns what is cached
// (an empty image at first) and asks the pool for the rest.
QImage QueueModel::thumbnail(const StoredJob& job) const {
    const QString path = thumbnailSource(job);
    auto it = m_thumbs.find(path);
    if (it != m_thumbs.end()) return it->second;
    decodeThumbnail(path);
    return {};
}

void QueueModel::decodeThumbnail(const QString& path) const {
    if (path.isEmpty() || !m_decoding.insert(path).second) return;
    // The watcher belongs to the model (deleted with it; a decode still running then is dropped).
    auto* self = const_cast<QueueModel*>(this);  // data() is const; the cache is the model's own
    auto* watcher = new QFutureWatcher<QImage>(self);
    connect(watcher, &QFutureWatcher<QImage>::finished, self, [self, watcher, path] {
        watcher->deleteLater();
        self->thumbnailReady(path, watcher->result());
    });
    watcher->setFuture(QtConcurrent::run(readThumbnail, path, kThumb));
}

void QueueModel::thumbnailReady(const QString& path, const QImage& image) {
    m_decoding.erase(path);
    if (m_thumbs.size() >= kMaxThumbs) m_thumbs.clear();  // a long queue: visible rows come back
    m_thumbs[path] = image;
    for (size_t row = 0; row < m_jobs.size(); ++row) {
        if (thumbnailSource(m_jobs[row]) != path) continue;
        const QModelIndex changed = index(static_cast<int>(row));
        Q_EMIT dataChanged(changed, changed, {ThumbnailRole});
    }
}

double QueueModel::queueEta() const {
    if (!m_eta.hasData()) {
        const bool idle = std::none_of(m_jobs.begin(), m_jobs.end(), [](const StoredJob& job) {
            return job.state == JobState::Queued || job.state == JobState::Running;
        });
        return idle ? 0 : -1;
    }
    return jobs::queueEtaSeconds(m_jobs, m_eta);
}

QVariant QueueModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const StoredJob& job = m_jobs[static_cast<size_t>(index.row())];
    switch (role) {
        case Qt::DisplayRole:
        case LabelRole: {
            const std::string& label = job.spec.label.empty() ? job.spec.inputPath : job.spec.label;
            return QString::fromStdString(label);
        }
        case Qt::ToolTipRole:
            // A running job names its runner: this app, or a `chiaro-cli batch` sharing the file.
            return QString::fromStdString(job.spec.inputPath + " → " + job.spec.outputPath +
                                          (job.state == JobState::Running ? "\nrun by " + job.owner : "") +
                                          (job.error.empty() ? "" : "\n" + job.error));
        case IdRole: return QVariant::fromValue<qint64>(job.id);
        case StateRole: return static_cast<int>(job.state);
        case StateNameRole: return QString::fromUtf8(jobs::jobStateName(job.state));
        case ProgressRole: return job.state == JobState::Done ? 1.0 : job.progress;
        case ThumbnailRole: return thumbnail(job);
        case EtaRole: return jobs::jobEtaSeconds(job, m_eta);
        case ErrorRole: return QString::fromStdString(job.error);
        case OutputRole: return QString::fromStdString(job.spec.outputPath);
        default: return {};
    }
}

Qt::ItemFlags QueueModel::flags(const QModelIndex& index) const {
    Qt::ItemFlags flags = QAbstractListModel::flags(index);
    if (!index.isValid()) return flags | Qt::ItemIsDropEnabled;
    if (job(index.row()).state == JobState::Queued) flags |= Qt::ItemIsDragEnabled;
    return flags | Qt::ItemIsDropEnabled;
}

QStringList QueueModel::mimeTypes() const { return {QString::fromLatin1(kMime)}; }

QMimeData* QueueModel::mimeData(const QModelIndexList& indexes) const {
    QByteArray bytes;
    QDataStream out(&bytes, QIODevice::WriteOnly);
    for (const QModelIndex& index : indexes) out << static_cast<qint64>(job(index.row()).id);
    auto* mime = new QMimeData;
    mime->setData(QString::fromLatin1(kMime), bytes);
    return mime;
}

// Dropping on a row puts the dragged jobs before it; below the last row (row -1) moves them to the end.
bool QueueModel::dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int, const QModelIndex& parent) {
    if (action != Qt::MoveAction || !data->hasFormat(QString::fromLatin1(kMime))) return false;
    if (row < 0 && parent.isValid()) row = parent.row();
    const int64_t before = row >= 0 && row < rowCount() ? job(row).id : 0;
    QDataStream in(data->data(QString::fromLatin1(kMime)));
    std::vector<int64_t> ids;
    while (!in.atEnd()) {
        qint64 id = 0;
        in >> id;
        ids.push_back(id);
    }
    // Called from the view's drop event: nothing is thrown; a failure is reported by edit().
    moveAll(ids, before);
    return false;  // the store moves the rows: the view must not remove the source rows
}

void QueueModel::moveAll(const std::vector<int64_t>& ids, int64_t before, Reply<bool> done) {
    edit<bool>(tr("move the jobs"), [ids, before](jobs::JobStore& s) {
        for (int64_t id : ids)
            if (id != before) s.moveBefore(id, before);
        return true;
    }, std::move(done));
}

void QueueModel::enqueueAll(const std::vector<jobs::JobSpec>& specs, Reply<std::vector<int64_t>> done,
                            const QString& action, QWidget* messageParent) {
    edit<std::vector<int64_t>>(action.isEmpty() ? tr("add the jobs to the queue") : action,
                               [specs](jobs::JobStore& s) { return s.enqueueAll(specs); },
                               [this, done = std::move(done)](bool ok, const std::vector<int64_t>& ids) {
                                   if (ok) Q_EMIT jobsEnqueued();
                                   if (done) done(ok, ids);
                               }, messageParent);
}

void QueueModel::cancelQueued(const std::vector<int64_t>& ids, Reply<int> done) {
    edit<int>(tr("cancel the jobs"), [ids](jobs::JobStore& s) { return s.cancelQueued(ids); }, std::move(done));
}

void QueueModel::cancelAllQueued(Reply<int> done) {
    edit<int>(tr("cancel the queued jobs"), [](jobs::JobStore& s) { return s.cancelAllQueued(); }, std::move(done));
}

// Which jobs are failed or cancelled is decided on the store thread, from the rows as they are then.
void QueueModel::retryFailed(Reply<int> done) {
    edit<int>(tr("retry the failed jobs"), [](jobs::JobStore& s) {
        int changed = 0;
        for (const StoredJob& job : s.jobs())
            if ((job.state == JobState::Failed || job.state == JobState::Cancelled) && s.requeue(job.id)) ++changed;
        return changed;
    }, [this, done = std::move(done)](bool ok, int changed) {
        if (changed) Q_EMIT jobsEnqueued();
        if (done) done(ok, changed);
    });
}

void QueueModel::requestCancel(const std::vector<int64_t>& ids, Reply<int> done) {
    if (ids.empty()) {
        if (done) done(true, 0);
        return;
    }
    edit<int>(tr("cancel the jobs"), [ids](jobs::JobStore& s) {
        int asked = 0;
        for (int64_t id : ids) asked += s.requestCancel(id) ? 1 : 0;
        return asked;
    }, std::move(done));
}

void QueueModel::retry(int64_t id, Reply<bool> done) {
    const int row = rowOf(id);
    if (row < 0 || job(row).state == JobState::Queued || job(row).state == JobState::Running) {
        if (done) done(true, false);
        return;
    }
    m_thumbs.erase(QString::fromStdString(job(row).spec.outputPath));  // the output is written again
    edit<bool>(tr("retry the job"), [id](jobs::JobStore& s) { return s.requeue(id); },
               [this, done = std::move(done)](bool ok, bool requeued) {
                   if (requeued) Q_EMIT jobsEnqueued();
                   if (done) done(ok, requeued);
               });
}

void QueueModel::moveBefore(int64_t id, int64_t beforeId, Reply<bool> done) {
    moveAll({id}, beforeId, std::move(done));
}

void QueueModel::clearFinished(Reply<int> done) {
    edit<int>(tr("clear the finished jobs"), [](jobs::JobStore& s) { return s.clearFinished(); }, std::move(done));
}

// Written even when the cached flag already says so: another client may have changed it since.
// The snapshot read after the write carries the new flag, and apply() emits pausedChanged.
void QueueModel::setPaused(bool paused, Reply<bool> done) {
    edit<bool>(tr("pause or resume the queue"), [paused](jobs::JobStore& s) {
        s.setSetting("paused", paused ? "1" : "0");
        return paused;
    }, std::move(done));
}

void QueueModel::setProgress(int64_t id, double progress) {
    const int row = rowOf(id);
    if (row < 0) return;
    StoredJob& job = m_jobs[static_cast<size_t>(row)];
    job.progress = progress;
    const QModelIndex changed = index(row);
    Q_EMIT dataChanged(changed, changed, {ProgressRole, EtaRole});
}

}  // namespace chiaro::gui
