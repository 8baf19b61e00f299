#include "queue/queue_model.h"

#include <algorithm>
#include <cmath>

#include <QDataStream>
#include <QDir>
#include <QFileInfo>
#include <QImageReader>
#include <QMimeData>
#include <QStandardPaths>

#include "chiaro/core/logging.h"
#include "chiaro/pipeline/relight_job.h"

namespace chiaro::gui {
namespace {

using jobs::JobState;
using jobs::StoredJob;

constexpr const char* kMime = "application/x-chiaro-queue-ids";
// Which device's measured times the dock shows before the app has run a job itself.
constexpr const char* kLastEtaKey = "eta/last";

}  // namespace

QueueModel::QueueModel(std::unique_ptr<jobs::JobStore> store, QObject* parent)
    : QAbstractListModel(parent), m_store(std::move(store)) {
    useEtaKey(m_store->setting(kLastEtaKey, jobs::etaSettingKey("cpu", "auto")));
    reload();
}

void QueueModel::useEtaKey(const std::string& key) {
    if (key == m_etaKey) return;
    m_etaKey = key;
    jobs::loadEta(*m_store, key, m_eta);
}

void QueueModel::recordJobTime(const core::JobCost& cost, double seconds, const std::string& etaKey) {
    useEtaKey(etaKey);
    // Re-read first: a CLI runner on the same file may have added measurements since.
    jobs::loadEta(*m_store, etaKey, m_eta);
    m_eta.record(cost, seconds);
    jobs::saveEta(*m_store, etaKey, m_eta);
    m_store->setSetting(kLastEtaKey, etaKey);
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

void QueueModel::reload() {
    beginResetModel();
    m_jobs = m_store->jobs();
    endResetModel();
}

int QueueModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_jobs.size());
}

int QueueModel::rowOf(int64_t id) const {
    for (size_t i = 0; i < m_jobs.size(); ++i)
        if (m_jobs[i].id == id) return static_cast<int>(i);
    return -1;
}

QImage QueueModel::thumbnail(const StoredJob& job) const {
    const int64_t key = job.id * 2 + (job.state == JobState::Done ? 1 : 0);  // the output replaces the input
    auto it = m_thumbs.find(key);
    if (it != m_thumbs.end()) return it->second;
    // The output once it exists, else the input photo; scaled while decoding (cheap for big JPEGs).
    const std::string& source = job.state == JobState::Done ? job.spec.outputPath : job.spec.inputPath;
    QImageReader reader(QString::fromStdString(source));
    reader.setAutoTransform(true);
    const QSize size = reader.size();
    if (size.isValid()) reader.setScaledSize(size.scaled(kThumb, kThumb, Qt::KeepAspectRatio));
    QImage image = reader.read();
    m_thumbs[key] = image;
    return image;
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
    for (int64_t id : ids)
        if (id != before) m_store->moveBefore(id, before);
    reload();
    return false;  // the store already moved the rows: the view must not remove the source rows
}

std::vector<int64_t> QueueModel::enqueue(const std::vector<jobs::JobSpec>& specs) {
    std::vector<int64_t> ids = m_store->enqueueAll(specs);
    reload();
    Q_EMIT jobsEnqueued();
    return ids;
}

int QueueModel::cancelQueued(const std::vector<int64_t>& ids) {
    const int changed = m_store->cancelQueued(ids);
    reload();
    return changed;
}

int QueueModel::cancelAllQueued() {
    const int changed = m_store->cancelAllQueued();
    reload();
    return changed;
}

int QueueModel::retryFailed() {
    int changed = 0;
    for (const StoredJob& job : m_jobs) {
        if (job.state == JobState::Failed || job.state == JobState::Cancelled) {
            m_store->requeue(job.id);
            ++changed;
        }
    }
    reload();
    if (changed) Q_EMIT jobsEnqueued();
    return changed;
}

int QueueModel::requestCancel(const std::vector<int64_t>& ids) {
    int asked = 0;
    for (int64_t id : ids) asked += m_store->requestCancel(id) ? 1 : 0;
    if (asked) reload();
    return asked;
}

void QueueModel::retry(int64_t id) {
    const int row = rowOf(id);
    if (row < 0 || job(row).state == JobState::Queued || job(row).state == JobState::Running) return;
    m_store->requeue(id);
    m_thumbs.erase(id * 2 + 1);
    reload();
    Q_EMIT jobsEnqueued();
}

void QueueModel::moveBefore(int64_t id, int64_t beforeId) {
    m_store->moveBefore(id, beforeId);
    reload();
}

int QueueModel::clearFinished() {
    const int removed = m_store->clearFinished();
    reload();
    return removed;
}

void QueueModel::setPaused(bool paused) {
    if (paused == isPaused()) return;
    m_store->setSetting("paused", paused ? "1" : "0");
    Q_EMIT pausedChanged(paused);
}

bool QueueModel::isPaused() const { return m_store->setting("paused", "0") == "1"; }

void QueueModel::setProgress(int64_t id, double progress) {
    const int row = rowOf(id);
    if (row < 0) return;
    StoredJob& job = m_jobs[static_cast<size_t>(row)];
    job.progress = progress;
    const QModelIndex changed = index(row);
    Q_EMIT dataChanged(changed, changed, {ProgressRole, EtaRole});
}

}  // namespace chiaro::gui
