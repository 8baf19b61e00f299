#include "studio/generate_controller.h"

#include <algorithm>

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QProgressBar>

#include "chiaro/bundle/model_set.h"
#include "chiaro/core/logging.h"
#include "image_bridge.h"
#include "result/compare_view.h"
#include "result/history_strip.h"
#include "result/variants_sheet.h"
#include "util/pool_task.h"
#include "worker/engine_host.h"

namespace chiaro::gui {

GenerateController::GenerateController(const GenerateViews& views, QObject* parent, EngineHost* host)
    : QObject(parent), m_views(views), m_host(host ? host : new EngineHost(this)) {
    connect(m_host, &EngineHost::progressed, this, [this](quint64 id, int step, int total, double elapsed, double eta) {
        if (m_jobs.count(id)) onProgress(id, step, total, elapsed, eta);
    });
    connect(m_host, &EngineHost::finished, this,
            [this](quint64 id, const RelightResultPtr& result, const QImage& display) {
                if (m_jobs.erase(id)) onFinished(id, result, display);
            });
    connect(m_host, &EngineHost::stageChanged, this, [this](quint64 id, const QString& message) {
        if (m_jobs.count(id)) Q_EMIT statusMessage(message);
    });
    connect(m_host, &EngineHost::previewReady, this, [this](quint64 id, const QImage& preview) {
        if (!m_jobs.count(id) || m_variantCells.count(id)) return;  // variants fill their own cells
        m_views.compare->setAfter(preview);
        m_views.compare->setCaption(tr("Generating…"));
    });
}

GenerateController::~GenerateController() {
    if (m_savesRunning > 0) core::namedLogger("gui")->info("waiting for {} result file(s) to be written", m_savesRunning);
    for (QFuture<QString>& save : m_saves) save.waitForFinished();
}

bool GenerateController::bundlePresent(const QString& bundleDir) {
    return !core::resolveModelSet(bundleDir.toStdString()).empty();  // a bundle or an imported pair
}

QString GenerateController::missingModelsText(const QString& bundleDir) {
    // The link gets its own light colour: the palette's link blue is unreadable on the notice's brown.
    return tr("<b>No models yet</b> in %1.<br>The instant preview works without them. To generate, "
              "<a href=\"chiaro:import\" style=\"color: #ffd27a;\">import models…</a> (Relight › Import Models…): pick a "
              "Stable Diffusion 1.5 model and the IC-Light file(s) you downloaded, and Chiaro converts "
              "them once (README, \"Getting models\"). Or choose another folder in Settings (Ctrl+,).")
        .arg(bundleDir.toHtmlEscaped());
}

void GenerateController::showNotice(const QString& text) {
    m_views.notice->setText(text);
    m_views.notice->setVisible(!text.isEmpty());
}

quint64 GenerateController::submit(const core::RelightJob& job) {
    const bool wasBusy = isBusy();
    const quint64 id = m_host->submit(job, m_settings.bundleDirFor(job), m_settings.engineOptions());
    m_jobs.insert(id);
    if (!wasBusy) {
        m_views.progress->setRange(0, 0);  // busy indicator until the first step arrives
        m_views.progress->setVisible(true);
        Q_EMIT busyChanged(true);
    }
    return id;
}

bool GenerateController::generate(const core::RelightJob& job) {
    const QString dir = m_settings.effectiveBundleDir();
    if (!bundlePresent(dir)) {
        showNotice(missingModelsText(dir));
        Q_EMIT statusMessage(tr("No models: see the note under Generate"));
        return false;
    }
    showNotice({});
    submit(job);
    return true;
}

bool GenerateController::generateVariants(const core::RelightJob& job,
                                          const std::vector<core::LightDirection>& directions) {
    if (!bundlePresent(m_settings.effectiveBundleDir())) return generate(job);
    showNotice({});
    m_views.variants->begin(directions);
    for (size_t i = 0; i < directions.size(); ++i) {
        core::RelightJob variant = job;
        variant.light.direction = directions[i];
        variant.previewEvery = 0;
        m_variantCells[submit(variant)] = static_cast<int>(i);
    }
    return true;
}

void GenerateController::cancel(core::CancelMode mode) {
    if (!isBusy()) return;
    m_host->cancelJobs(std::vector<quint64>(m_jobs.begin(), m_jobs.end()), mode);
    Q_EMIT statusMessage(mode == core::CancelMode::AfterCurrentImage ? tr("Cancelling after the current image…")
                                                                     : tr("Cancelling…"));
}

void GenerateController::onProgress(quint64, int step, int total, double elapsed, double eta) {
    m_views.progress->setRange(0, std::max(1, total));
    m_views.progress->setValue(step);
    m_views.progress->setFormat(tr("step %1/%2 · %3 s · ETA %4 s").arg(step).arg(total)
                                    .arg(elapsed, 0, 'f', 0).arg(eta, 0, 'f', 0));
}

void GenerateController::onFinished(quint64 id, const RelightResultPtr& result, const QImage& display) {
    const auto variant = m_variantCells.find(id);
    const int cell = variant == m_variantCells.end() ? -1 : variant->second;
    if (variant != m_variantCells.end()) m_variantCells.erase(variant);
    if (!isBusy()) {
        m_views.progress->setVisible(false);
        Q_EMIT busyChanged(false);
    }
    if (result->status.code == core::ErrorCode::Cancelled) {
        Q_EMIT statusMessage(tr("Cancelled"));
        if (cell >= 0) m_views.variants->setFailed(cell, tr("cancelled"));
        return;
    }
    if (!result->status.ok()) {
        const QString message = QString::fromStdString(result->status.message);
        showNotice(tr("Generation failed: %1").arg(message));
        Q_EMIT statusMessage(tr("Generation failed: %1").arg(message));
        if (cell >= 0) m_views.variants->setFailed(cell, message);
        return;
    }
    HistoryEntry entry{result, display, QString()};  // display: made on the engine thread
    const int index = m_views.history->add(entry);  // selects it, which shows it in the compare view
    if (cell >= 0) m_views.variants->setResult(cell, entry.image);
    autoSave(index);
    if (display.isNull()) {
        Q_EMIT statusMessage(tr("Done in %1 s, but the result cannot be shown (see the log); it can still be saved")
                                 .arg(result->seconds, 0, 'f', 1));
    } else {
        Q_EMIT statusMessage(tr("Done in %1 s · %2 × %3").arg(result->seconds, 0, 'f', 1)
                                 .arg(result->image.cols).arg(result->image.rows));
    }
    Q_EMIT resultAdded(index);
}

void GenerateController::autoSave(int index) {
    if (m_settings.outputDir.isEmpty()) return;
    QDir().mkpath(m_settings.outputDir);
    const QString name = QStringLiteral("chiaro-%1-%2.png")
                             .arg(QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss-zzz"))
                             .arg(index + 1);
    save(QDir(m_settings.outputDir).filePath(name), index);
}

bool GenerateController::save(const QString& path, int index) {
    if (index < 0) index = m_views.history->currentEntry();
    if (index < 0 || index >= m_views.history->count()) return false;
    const RelightResultPtr result = m_views.history->entry(index).result;
    const int bitDepth = m_settings.bitDepth;
    ++m_savesRunning;
    Q_EMIT statusMessage(tr("Saving %1…").arg(QFileInfo(path).fileName()));
    auto saved = [this, result, path](const QString& error) {
        --m_savesRunning;
        m_saves.erase(std::remove_if(m_saves.begin(), m_saves.end(), [](const QFuture<QString>& f) { return f.isFinished(); }),
                      m_saves.end());
        if (!error.isEmpty()) {
            Q_EMIT statusMessage(tr("Cannot save: %1").arg(error));
            Q_EMIT saveFinished(path, false, error);
            return;
        }
        // The history may have changed meanwhile (a new photo clears it): mark the entry if it is still there.
        for (int i = 0; i < m_views.history->count(); ++i)
            if (m_views.history->entry(i).result == result) m_views.history->setSavedPath(i, path);
        Q_EMIT statusMessage(tr("Saved %1").arg(path));
        Q_EMIT saveFinished(path, true, QString());
    };
    m_saves.append(runOnPool(this, [result, path, bitDepth] { core::saveRelightResult(path.toStdString(), *result, bitDepth); },
                             saved));
    return true;
}

}  // namespace chiaro::gui
