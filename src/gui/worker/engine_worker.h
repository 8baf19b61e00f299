#pragma once
// The worker object that owns the diffusion engine. It lives on the engine thread (EngineHost moves
// it there): run() is only ever invoked through a queued call, signals go out queued to the UI. The
// model bundle is loaded once and reused; it is reloaded only when the folder or the device options
// change. No exception leaves run(): failures come back in the result's status and as failed().
#include <QImage>
#include <QObject>

#include "worker/engine_request.h"

namespace chiaro::gui {

class EngineWorker : public QObject {
    Q_OBJECT
public:
    explicit EngineWorker(QObject* parent = nullptr);
    ~EngineWorker() override;

    // Runs one request synchronously on the calling (engine) thread.
    void run(const EngineRequest& request);

Q_SIGNALS:
    void started(quint64 id);
    void stageChanged(quint64 id, const QString& message);
    void progressed(quint64 id, int step, int totalSteps, double elapsed, double eta);
    void previewReady(quint64 id, const QImage& preview);
    void finished(quint64 id, const chiaro::gui::RelightResultPtr& result);
    void failed(quint64 id, const QString& message);

private:
    core::Status ensureLoaded(const EngineRequest& request);
    core::RelightResult execute(const EngineRequest& request);

    std::unique_ptr<core::Engine> m_engine;
    QString m_loadedDir;
    core::EngineOptions m_loadedOptions;
};

}  // namespace chiaro::gui
