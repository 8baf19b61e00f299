#pragma once
// The Generate flow on the UI thread: queues jobs on the engine thread (never blocks), shows step
// progress with ETA and the live latent preview, puts finished results in the history (and the
// auto-save folder), fills the variants sheet, and turns failures into readable messages. With no
// model bundle it explains how to get one instead of failing.
#include <map>
#include <set>

#include <QFuture>
#include <QList>
#include <QObject>

#include "settings/app_settings.h"
#include "worker/engine_request.h"

class QLabel;
class QProgressBar;

namespace chiaro::gui {

class CompareView;
class EngineHost;
class HistoryStrip;
class VariantsSheet;

struct GenerateViews {
    CompareView* compare = nullptr;
    HistoryStrip* history = nullptr;
    VariantsSheet* variants = nullptr;
    QProgressBar* progress = nullptr;  // in the status bar
    QLabel* notice = nullptr;          // under the Generate button: why nothing can run, errors
};

class GenerateController : public QObject {
    Q_OBJECT
public:
    // `host` is the app's one engine thread, shared with the queue runner; one is made when null.
    GenerateController(const GenerateViews& views, QObject* parent = nullptr, EngineHost* host = nullptr);
    ~GenerateController() override;

    void setSettings(const AppSettings& settings) { m_settings = settings; }
    // Queues one job. Returns false (and shows why in the notice) when no bundle is installed.
    bool generate(const core::RelightJob& job);
    // The same job and seed over `directions`, shown in the variants sheet as they arrive.
    bool generateVariants(const core::RelightJob& job, const std::vector<core::LightDirection>& directions);
    // Now: stops within one sampler step; AfterCurrentImage: the running image finishes, the rest of
    // a variants sweep (or any queued job) is dropped.
    void cancel(core::CancelMode mode = core::CancelMode::Now);
    bool isBusy() const { return !m_jobs.empty(); }  // own jobs only (the queue shares the host)
    // Writes the history entry `index` (the shown one when -1) as PNG with metadata (atomic), on
    // Qt's pool: encoding and fsync of a 24 MP PNG take seconds the window must not freeze for.
    // Returns false when there is no such entry; otherwise ends with saveFinished(). The destructor
    // waits for saves still running (the user's file comes before a fast quit).
    bool save(const QString& path, int index = -1);
    int savesRunning() const { return m_savesRunning; }

    // The text shown when no bundle is found (README "Getting models").
    static QString missingModelsText(const QString& bundleDir);
    static bool bundlePresent(const QString& bundleDir);
    EngineHost* host() const { return m_host; }

Q_SIGNALS:
    void busyChanged(bool busy);
    void statusMessage(const QString& message);
    void resultAdded(int historyIndex);
    // `message` says why it failed (empty when ok).
    void saveFinished(const QString& path, bool ok, const QString& message);

private:
    quint64 submit(const core::RelightJob& job);
    void onProgress(quint64 id, int step, int total, double elapsed, double eta);
    void onFinished(quint64 id, const RelightResultPtr& result, const QImage& display);
    void autoSave(int index);
    void showNotice(const QString& text);

    GenerateViews m_views;
    EngineHost* m_host = nullptr;
    AppSettings m_settings;
    std::map<quint64, int> m_variantCells;  // job id -> variants sheet cell
    std::set<quint64> m_jobs;                // this controller's outstanding jobs (the host is shared)
    QList<QFuture<QString>> m_saves;         // running saves: their error text, empty when ok
    int m_savesRunning = 0;
};

}  // namespace chiaro::gui
