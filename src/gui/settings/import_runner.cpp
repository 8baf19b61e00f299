#include "settings/import_runner.h"

#include <QtConcurrent/QtConcurrentRun>

#include "chiaro/core/logging.h"

namespace chiaro::gui {
namespace {

ImportOutcome verifyAndCommit(const core::ImportPlan& plan) {
    ImportOutcome outcome;
    try {
        core::LoadOptions options;
        options.device = "auto";
        outcome.result = core::finishImport(plan, options);
        outcome.ok = true;
    } catch (const std::exception& e) {
        outcome.message = QString::fromStdString(e.what());
    }
    return outcome;
}

QString variantList(const core::ImportResult& result) {
    QStringList variants;
    for (const auto& b : result.bundles) variants << QString::fromStdString(b.variant);
    return variants.join(QStringLiteral(" + "));
}

}  // namespace

ImportRunner::ImportRunner(QObject* parent) : QObject(parent) {
    connect(&m_verify, &QFutureWatcher<ImportOutcome>::finished, this, [this] {
        const ImportOutcome outcome = m_verify.result();
        if (!outcome.ok) return end(false, false, outcome.message);
        Q_EMIT progressed(1.0, tr("Done"));
        end(true, false, tr("Imported the %1 bundle(s) into %2")
                             .arg(variantList(outcome.result), QString::fromStdString(outcome.result.outDir)));
    });
}

ImportRunner::~ImportRunner() {
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->disconnect(this);
        m_process->kill();
        m_process->waitForFinished(5000);
        core::abandonImport(m_plan);
    }
    m_verify.waitForFinished();
}

bool ImportRunner::start(const core::ImportRequest& request, QString* error) {
    if (m_running) return false;
    try {
        m_plan = core::planImport(request, core::locateExporter());
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
    m_step = 0;
    m_cancelled = false;
    m_running = true;
    startStep();
    return true;
}

void ImportRunner::startStep() {
    const core::ExportStep& step = m_plan.steps[m_step];
    m_stdout.clear();
    m_stderr.clear();
    m_process = new QProcess(this);
    QStringList args;
    for (size_t i = 1; i < step.argv.size(); ++i) args << QString::fromStdString(step.argv[i]);
    connect(m_process, &QProcess::readyReadStandardOutput, this, &ImportRunner::readOutput);
    connect(m_process, &QProcess::readyReadStandardError, this,
            [this] { m_stderr += m_process->readAllStandardError(); });
    connect(m_process, &QProcess::finished, this, &ImportRunner::onStepFinished);
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart) onStepFinished(-1, QProcess::CrashExit);
    });
    core::namedLogger("gui")->info("import: exporting the {} bundle", step.variant);
    Q_EMIT progressed(core::importFraction(m_step, m_plan.steps.size(), 0.0),
                      tr("Exporting the %1 bundle…").arg(QString::fromStdString(step.variant)));
    m_process->start(QString::fromStdString(step.argv[0]), args);
}

void ImportRunner::readOutput() {
    m_stdout += m_process->readAllStandardOutput();
    for (int nl; (nl = m_stdout.indexOf('\n')) >= 0;) {
        const std::string line = m_stdout.left(nl).toStdString();
        m_stdout.remove(0, nl + 1);
        const auto progress = core::parseProgressLine(line);
        if (!progress) continue;
        Q_EMIT progressed(core::importFraction(m_step, m_plan.steps.size(), progress->fraction),
                          QStringLiteral("%1: %2").arg(QString::fromStdString(m_plan.steps[m_step].variant),
                                                       QString::fromStdString(progress->message)));
    }
}

void ImportRunner::onStepFinished(int exitCode, QProcess::ExitStatus status) {
    if (!m_process) return;  // FailedToStart and finished may both arrive
    m_stderr += m_process->readAllStandardError();
    const QString program = m_process->program();
    m_process->deleteLater();
    m_process = nullptr;
    if (m_cancelled) {
        core::abandonImport(m_plan);
        return end(false, true, tr("Cancelled; nothing was changed in %1").arg(QString::fromStdString(m_plan.outDir)));
    }
    if (status != QProcess::NormalExit || exitCode != 0) {
        core::abandonImport(m_plan);
        const QString message = exitCode < 0 && m_stderr.isEmpty()
                                    ? tr("%1 could not be started").arg(program)
                                    : QString::fromStdString(core::exportFailureMessage(
                                          m_plan, m_step, m_stderr.toStdString(), exitCode));
        return end(false, false, message);
    }
    if (++m_step < m_plan.steps.size()) return startStep();
    Q_EMIT progressed(core::importFraction(m_step, m_plan.steps.size(), 0.0), tr("Verifying the new bundle(s)…"));
    m_verify.setFuture(QtConcurrent::run(verifyAndCommit, m_plan));
}

void ImportRunner::cancel() {
    if (!m_process) return;  // idle, or verifying (not interruptible)
    m_cancelled = true;
    core::namedLogger("gui")->info("import: cancelled");
    m_process->kill();
}

void ImportRunner::end(bool ok, bool cancelled, const QString& message) {
    m_running = false;
    core::namedLogger("gui")->info("import: {}", message.toStdString());
    Q_EMIT finished(ok, cancelled, message, QString::fromStdString(m_plan.outDir));
}

}  // namespace chiaro::gui
