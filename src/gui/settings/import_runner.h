#pragma once
// Runs a model import for the app: the core's plan (model_import.h), each export as a QProcess
// (never blocking the UI thread), then the verification of the new bundles on a worker thread.
// Lives on the UI thread; its signals arrive there. Cancel kills the exporter; the staging folder
// is removed and the model folder stays as it was. Verification (seconds) cannot be cancelled.
#include <QFutureWatcher>
#include <QObject>
#include <QProcess>

#include "chiaro/bundle/model_import.h"

namespace chiaro::gui {

struct ImportOutcome {
    bool ok = false;
    QString message;  // the error in one line, or what was imported
    core::ImportResult result;
};

class ImportRunner : public QObject {
    Q_OBJECT
public:
    explicit ImportRunner(QObject* parent = nullptr);
    ~ImportRunner() override;  // kills a running export and waits for a running verification

    // Checks the inputs and starts the first export. Returns false with the reason in `error` (no
    // signal follows) when the inputs are refused or the exporter is not installed.
    bool start(const core::ImportRequest& request, QString* error);
    void cancel();
    bool isRunning() const { return m_running; }
    bool isVerifying() const { return m_verify.isRunning(); }
    const core::ImportPlan& plan() const { return m_plan; }

Q_SIGNALS:
    void progressed(double fraction, const QString& message);  // fraction of the whole import, 0..1
    void finished(bool ok, bool cancelled, const QString& message, const QString& outDir);

private:
    void startStep();
    void readOutput();
    void onStepFinished(int exitCode, QProcess::ExitStatus status);
    void end(bool ok, bool cancelled, const QString& message);

    core::ImportPlan m_plan;
    size_t m_step = 0;
    QProcess* m_process = nullptr;
    QByteArray m_stdout;
    QByteArray m_stderr;
    bool m_running = false;
    bool m_cancelled = false;
    QFutureWatcher<ImportOutcome> m_verify;
};

}  // namespace chiaro::gui
