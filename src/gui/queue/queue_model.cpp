#include "queue/queue_model.h"

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

using jobstore::JobState;
using jobstore::StoredJob;

constexpr const char* kMime = "application/x-chiaro-queue-ids";
constexpr const char* kRatesKey = "eta_rates";  // shared with `chiaro-cli batch`

}  // namespace

QueueModel::QueueModel(std::unique_ptr<jobstore::JobStore> store, QObject* parent)
    : QAbstractListModel(parent), m_store(std::move(store)) {
    auto json = nlohmann::json::parse(m_store->setting(kRatesKey, "{}"), nullptr, false);
    if (json.is_object()) {
        std::map<long long, double> rates;
        for (auto it = json.begin(); it != json.end(); ++it) {
            if (it.value().is_number()) rates[std::stoll(it.key())] = it.value().get<double>();
        }
        m_eta.setRates(rates);
    }
    reload();
}

QueueModel::~QueueModel() = default;

QString QueueModel::defaultPath() {
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QDir().mkpath(dir);
    return QDir(dir).filePath("queue.sqlite");
}

std::unique_ptr<jobstore::JobStore> QueueModel::openDefault() {
    return jobstore::JobStore::open(defaultPath().toStdString());
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

core::JobCost QueueModel::costOf(const StoredJob& job) {
    const nlohmann::json& p = job.spec.params;
    core::JobCost cost;
    // 0 = fitted to the photo's aspect at IC-Light's pixel budget, which is what the cost depends on.
    cost.width = p.value("width", 512);
    cost.height = p.value("height", 640);
    if (cost.width <= 0 || cost.height <= 0) {
        cost.width = 512;
        cost.height = 640;
    }
    cost.steps = p.value("steps", 25);
    const double scale = p.value("highres_scale", 1.0);
    if (scale > 1.0) {
        const cv::Size hr = core::highresSize(cost.width, cost.height, scale);
        cost.highresWidth = hr.width;
        cost.highresHeight = hr.height;
        const int highres = p.value("highres_steps", 0) > 0 ? p.value("highres_steps", 0) : cost.steps;
        cost.highresSteps = static_cast<int>(std::lround(highres * p.value("highres_denoise", 0.5)));
    }
    return cost;
}

double QueueModel::jobEta(const StoredJob& job) const {
    if (job.state == JobState::Done || job.state == JobState::Failed || job.state == JobState::Cancelled) return 0;
    const double total = m_eta.estimate(costOf(job));
    if (total < 0) return -1;
    return job.state == JobState::Running ? total * (1.0 - job.progress) : total;
}

double QueueModel::queueEta() const {
    std::vector<core::JobCost> queued;
    double running = 0;
    for (const StoredJob& job : m_jobs) {
        if (job.state == JobState::Queued) queued.push_back(costOf(job));
        if (job.state == JobState::Running) running = std::max(0.0, jobEta(job));
    }
    if (!m_eta.hasData()) return queued.empty() && running == 0 ? 0 : -1;
    return m_eta.estimateQueue(queued, running);
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
            return QString::fromStdString(job.spec.inputPath + " → " + job.spec.outputPath +
                                          (job.error.empty() ? "" : "\n" + job.error));
        case IdRole: return QVariant::fromValue<qint64>(job.id);
        case StateRole: return static_cast<int>(job.state);
        case StateNameRole: return QString::fromUtf8(jobstore::jobStateName(job.state));
        case ProgressRole: return job.state == JobState::Done ? 1.0 : job.progress;
        case ThumbnailRole: return thumbnail(job);
        case EtaRole: return jobEta(job);
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

std::vector<int64_t> QueueModel::enqueue(const std::vector<jobstore::JobSpec>& specs) {
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
    if (std::floor(progress * 20) != std::floor(job.progress * 20)) m_store->setProgress(id, progress);
    job.progress = progress;
    const QModelIndex changed = index(row);
    Q_EMIT dataChanged(changed, changed, {ProgressRole, EtaRole});
}

void QueueModel::saveEtaRates() {
    nlohmann::json rates = nlohmann::json::object();
    for (const auto& [pixels, seconds] : m_eta.rates()) rates[std::to_string(pixels)] = seconds;
    m_store->setSetting(kRatesKey, rates.dump());
}

}  // namespace chiaro::gui
