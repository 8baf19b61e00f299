#include "queue/queue_runner.h"

#include <QDir>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include "chiaro/core/logging.h"
#include "chiaro/image/image_io.h"
#include "chiaro/image/photo.h"
#include "chiaro/mask/grabcut.h"
#include "chiaro/pipeline/relight_job.h"
#include "chiaro/pipeline/subject_segmenter.h"
#include "queue/queue_model.h"
#include "worker/engine_host.h"

namespace chiaro::gui {
namespace {

using jobstore::JobState;
using jobstore::StoredJob;

constexpr const char* kBatchKey = "batch";  // {"mask_method", "bit_depth"}, as `chiaro-cli batch` writes

struct Loaded {
    std::shared_ptr<core::RelightJob> job;
    bool segment = false;  // the engine worker's segmenter makes the mask (EngineRequest::segmentSubject)
    QString error;
};

// The relight job a queue row describes, with its pixels (runs on the thread pool: decoding and
// GrabCut take long). Automatic masks as `chiaro-cli batch` makes them: "segmenter" uses the bundle's
// segmenter.pt on the engine thread (a bundle without one fails the job, naming it), "auto" does so
// when the bundle has one and otherwise GrabCut from a centred box, "grabcut" always GrabCut.
// Never throws: the error names the file.
Loaded loadJob(const StoredJob& stored, const QString& bundleDir) {
    Loaded loaded;
    try {
        auto job = std::make_shared<core::RelightJob>();
        core::jobFromJson(stored.spec.params, *job);
        core::setJobPhoto(*job, core::loadPhoto(stored.spec.inputPath));
        const auto batch = stored.spec.params.value(kBatchKey, nlohmann::json::object());
        const std::string method = batch.value("mask_method", "none");
        if (!stored.spec.maskPath.empty()) {
            job->mask = core::loadMask(stored.spec.maskPath, job->image.size());
            job->maskSource = "file";
        } else if (method == "segmenter" ||
                   (method == "auto" && core::SubjectSegmenter::bundleHasSegmenter(bundleDir.toStdString()))) {
            loaded.segment = true;
            job->maskSource = "segmenter";
        } else if (method == "grabcut" || method == "auto") {
            job->mask = core::grabCutFromRect(job->image, core::defaultSubjectRect(job->image.size()));
            job->maskSource = "grabcut";
        } else {
            job->maskSource = "none";
        }
        if (!stored.spec.backgroundPath.empty()) job->background = core::loadImageRgb(stored.spec.backgroundPath);
        job->previewEvery = 0;  // nobody watches a queued job's latents
        loaded.job = job;
    } catch (const std::exception& e) {
        loaded.error = QString::fromStdString(e.what());
    }
    return loaded;
}

}  // namespace

QueueRunner::QueueRunner(QueueModel* model, EngineHost* host, std::function<AppSettings()> settings, QObject* parent)
    : QObject(parent), m_model(model), m_host(host), m_settings(std::move(settings)) {
    connect(m_host, &EngineHost::progressed, this, &QueueRunner::onProgress);
    connect(m_host, &EngineHost::finished, this, &QueueRunner::onFinished);
    connect(m_model, &QueueModel::jobsEnqueued, this, &QueueRunner::pump, Qt::QueuedConnection);
    connect(m_model, &QueueModel::pausedChanged, this, &QueueRunner::pump, Qt::QueuedConnection);
    // Generate's jobs finishing free the host too; the timer also catches jobs added by the CLI.
    m_timer = new QTimer(this);
    m_timer->setInterval(1000);
    connect(m_timer, &QTimer::timeout, this, &QueueRunner::pump);
    m_timer->start();
}

void QueueRunner::pump() {
    if (m_jobId != 0 || m_host->isBusy() || m_model->isPaused()) return;
    startJob();
}

bool QueueRunner::startJob() {
    std::optional<StoredJob> claimed;
    try {
        claimed = m_model->store().claimNext();
    } catch (const std::exception& e) {
        core::namedLogger("gui")->warn("queue: cannot claim a job: {}", e.what());
        return false;
    }
    if (!claimed) return false;
    const StoredJob stored = *claimed;
    m_jobId = stored.id;
    m_model->reload();
    Q_EMIT jobStarted(stored.id);
    // Written before a crash but not marked done: never run (or write) it twice.
    if (QFileInfo::exists(QString::fromStdString(stored.spec.outputPath))) {
        core::namedLogger("gui")->info("queue: {} exists; job {} marked done", stored.spec.outputPath, stored.id);
        m_model->store().markDone(stored.id, 0);
        m_jobId = 0;
        m_model->reload();
        Q_EMIT jobFinished(stored.id, true);
        QTimer::singleShot(0, this, &QueueRunner::pump);
        return true;
    }
    m_bitDepth = stored.spec.params.value(kBatchKey, nlohmann::json::object()).value("bit_depth", 0);  // 0: the result's own
    const AppSettings settings = m_settings();
    // An imported pair (core::resolveModelSet): the segmenter's bundle for the mask, then the
    // job's own variant once the job is loaded.
    const QString bundle = stored.spec.bundleDir.empty() ? settings.segmenterBundleDir()
                                                         : QString::fromStdString(stored.spec.bundleDir);
    auto* watcher = new QFutureWatcher<Loaded>(this);
    connect(watcher, &QFutureWatcher<Loaded>::finished, this, [this, watcher, stored, bundle, settings] {
        watcher->deleteLater();
        const Loaded loaded = watcher->result();
        if (m_jobId != stored.id) return;  // cancelled while loading
        if (!loaded.job) {
            auto result = std::make_shared<core::RelightResult>();
            result->status = {core::ErrorCode::BadInput, loaded.error.toStdString()};
            return finishJob(result);
        }
        m_clock.start();
        const QString jobBundle = stored.spec.bundleDir.empty() ? settings.bundleDirFor(*loaded.job) : bundle;
        m_requestId = m_host->submit(*loaded.job, jobBundle, settings.engineOptions(), loaded.segment);
    });
    watcher->setFuture(QtConcurrent::run(loadJob, stored, bundle));
    return true;
}

void QueueRunner::cancelRunning() {
    if (m_jobId == 0) return;
    if (m_requestId != 0) return m_host->cancelJobs({m_requestId});
    auto result = std::make_shared<core::RelightResult>();  // still loading its images
    result->status = {core::ErrorCode::Cancelled, "cancelled"};
    finishJob(result);
}

void QueueRunner::onProgress(quint64 requestId, int step, int total, double, double) {
    if (requestId != m_requestId || m_jobId == 0 || total <= 0) return;
    m_model->setProgress(m_jobId, static_cast<double>(step) / total);
}

void QueueRunner::onFinished(quint64 requestId, const RelightResultPtr& result) {
    if (requestId == m_requestId && m_jobId != 0) return finishJob(result);
    QTimer::singleShot(0, this, &QueueRunner::pump);  // a Generate job left the host idle
}

void QueueRunner::finishJob(const RelightResultPtr& result) {
    const int64_t id = m_jobId;
    const auto stored = m_model->store().job(id);
    m_jobId = 0;
    m_requestId = 0;
    bool ok = false;
    try {
        if (!stored) {
            // Removed from the store meanwhile (cleared by another client): nothing to record.
        } else if (result->status.code == core::ErrorCode::Cancelled) {
            m_model->store().markCancelled(id);
        } else if (!result->status.ok()) {
            m_model->store().markFailed(id, result->status.message);
        } else {
            const QString output = QString::fromStdString(stored->spec.outputPath);
            QDir().mkpath(QFileInfo(output).absolutePath());
            core::saveRelightResult(stored->spec.outputPath, *result, m_bitDepth);
            const double seconds = m_clock.isValid() ? m_clock.elapsed() / 1000.0 : result->seconds;
            m_model->store().markDone(id, seconds);
            m_model->eta().record(QueueModel::costOf(*stored), result->seconds);
            m_model->saveEtaRates();
            ok = true;
        }
    } catch (const std::exception& e) {
        core::namedLogger("gui")->warn("queue: job {} could not be finished: {}", id, e.what());
        m_model->store().markFailed(id, e.what());
    }
    m_model->reload();
    Q_EMIT jobFinished(id, ok);
    QTimer::singleShot(0, this, &QueueRunner::pump);
}

}  // namespace chiaro::gui
