#include "settings/settings_dialog.h"

#include <algorithm>
#include <filesystem>

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QtConcurrent/QtConcurrentRun>

#include "chiaro/bundle/model_set.h"
#include "chiaro/core/paths.h"
#include "settings/import_dialog.h"

namespace chiaro::gui {
namespace {

// A bundle, or each bundle of an imported pair (fc, then fbc) with one combined verdict.
core::BundleCheckReport checkModelFolder(const std::string& dir, const core::LoadOptions& options) {
    const core::ModelSet set = core::resolveModelSet(dir);
    if (std::filesystem::exists(std::filesystem::path(dir) / "manifest.json") || set.empty()) {
        return core::checkBundle(dir, options);
    }
    core::BundleCheckReport combined;
    std::vector<std::string> variants;
    for (const std::string& bundle : {set.fc, set.fbc}) {
        if (bundle.empty()) continue;
        core::BundleCheckReport report = core::checkBundle(bundle, options);
        if (!report.ok) return report;
        variants.push_back(report.variant);
        combined = report;
    }
    combined.variant = variants.size() == 2 ? variants[0] + " + " + variants[1] : variants.at(0);
    return combined;
}

core::BundleCheckReport runCheck(const QString& dir, const core::LoadOptions& options) {
    try {
        return checkModelFolder(dir.toStdString(), options);
    } catch (const std::exception& e) {
        core::BundleCheckReport report;
        report.summary = e.what();
        report.code = core::ErrorCode::Usage;
        return report;
    }
}

}  // namespace

SettingsDialog::SettingsDialog(const AppSettings& settings, QWidget* parent)
    : QDialog(parent), m_settings(settings) {
    setWindowTitle(tr("Chiaro settings"));
    auto* form = new QFormLayout(this);

    m_bundleDir = new QLineEdit(settings.bundleDir, this);
    m_bundleDir->setPlaceholderText(QString::fromStdString(core::defaultModelsDir()));
    auto* browse = new QPushButton(tr("Browse…"), this);
    auto* import = new QPushButton(tr("Import…"), this);
    import->setObjectName("importModels");
    import->setToolTip(tr("Convert a Stable Diffusion 1.5 model and IC-Light files into bundles"));
    auto* check = new QPushButton(tr("Check"), this);
    check->setToolTip(tr("Verify the bundle like `chiaro-cli models check`"));
    auto* bundleRow = new QHBoxLayout;
    bundleRow->addWidget(m_bundleDir, 1);
    bundleRow->addWidget(browse);
    bundleRow->addWidget(import);
    bundleRow->addWidget(check);
    form->addRow(tr("Model bundle"), bundleRow);
    m_verdict = new QLabel(tr("Not checked yet"), this);
    m_verdict->setWordWrap(true);
    m_verdict->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(QString(), m_verdict);
    connect(browse, &QPushButton::clicked, this, [this] { browseFolder(m_bundleDir, tr("Model bundle folder")); });
    connect(check, &QPushButton::clicked, this, &SettingsDialog::checkBundleNow);
    connect(import, &QPushButton::clicked, this, [this] { openImport()->open(); });

    m_device = new QComboBox(this);
    m_device->addItems({"auto", "cpu", "cuda"});
    m_device->setCurrentText(settings.device);
    m_precision = new QComboBox(this);
    m_precision->addItems({"auto", "fp32", "fp16", "bf16"});
    m_precision->setCurrentText(settings.precision);
    m_threads = new QSpinBox(this);
    m_threads->setRange(0, 256);
    m_threads->setSpecialValueText(tr("all cores"));
    m_threads->setValue(settings.threads);
    form->addRow(tr("Device"), m_device);
    form->addRow(tr("Precision"), m_precision);
    form->addRow(tr("CPU threads"), m_threads);

    m_outputDir = new QLineEdit(settings.outputDir, this);
    m_outputDir->setPlaceholderText(tr("no auto-save"));
    auto* browseOut = new QPushButton(tr("Browse…"), this);
    auto* outRow = new QHBoxLayout;
    outRow->addWidget(m_outputDir, 1);
    outRow->addWidget(browseOut);
    form->addRow(tr("Auto-save folder"), outRow);
    connect(browseOut, &QPushButton::clicked, this, [this] { browseFolder(m_outputDir, tr("Output folder")); });
    m_bitDepth = new QComboBox(this);
    m_bitDepth->setObjectName("bitDepth");
    m_bitDepth->addItem(tr("Same as the photo"), 0);
    m_bitDepth->addItem(tr("8-bit PNG"), 8);
    m_bitDepth->addItem(tr("16-bit PNG"), 16);
    m_bitDepth->setToolTip(tr("Bit depth of saved results (PNG, or TIFF when the name ends in .tif): "
                              "\"Same as the photo\" gives a 16-bit file for a 16-bit photo"));
    m_bitDepth->setCurrentIndex(std::max(0, m_bitDepth->findData(settings.bitDepth)));
    form->addRow(tr("Bit depth"), m_bitDepth);

    m_queueResume = new QComboBox(this);
    m_queueResume->setObjectName("queueResume");
    m_queueResume->addItem(tr("Ask"), "ask");
    m_queueResume->addItem(tr("Automatically"), "auto");
    m_queueResume->addItem(tr("No (keep it paused)"), "no");
    m_queueResume->setCurrentIndex(std::max(0, m_queueResume->findData(settings.queueResume)));
    m_queueResume->setToolTip(tr("What to do at start-up with jobs left in the queue by the last session"));
    form->addRow(tr("Resume the queue on start"), m_queueResume);
    m_queueLease = new QSpinBox(this);
    m_queueLease->setObjectName("queueLeaseSeconds");
    m_queueLease->setRange(10, 3600);
    m_queueLease->setSuffix(tr(" s"));
    m_queueLease->setValue(settings.queueLeaseSeconds);
    m_queueLease->setToolTip(tr("How long a queue job stays this app's if it stops renewing it (a crash, a "
                                "frozen machine) before a `chiaro-cli batch` on the same queue may take it over"));
    form->addRow(tr("Queue job lease"), m_queueLease);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(&m_check, &QFutureWatcher<core::BundleCheckReport>::finished, this, [this] {
        const core::BundleCheckReport report = m_check.result();
        QString text = QString::fromStdString(report.summary);
        if (report.ok) text = tr("OK: %1 bundle on %2").arg(QString::fromStdString(report.variant),
                                                           QString::fromStdString(report.device));
        m_verdict->setText(text);
        Q_EMIT bundleChecked(report.ok, text);
    });
}

SettingsDialog::~SettingsDialog() { m_check.waitForFinished(); }

AppSettings SettingsDialog::settings() const {
    AppSettings s = m_settings;
    s.bundleDir = m_bundleDir->text().trimmed();
    s.device = m_device->currentText();
    s.precision = m_precision->currentText();
    s.threads = m_threads->value();
    s.outputDir = m_outputDir->text().trimmed();
    s.bitDepth = m_bitDepth->currentData().toInt();
    s.queueResume = m_queueResume->currentData().toString();
    s.queueLeaseSeconds = m_queueLease->value();
    return s;
}

void SettingsDialog::checkBundleNow() {
    if (m_check.isRunning()) return;
    const AppSettings s = settings();
    core::LoadOptions options;
    options.device = s.device.toStdString();
    options.precision = s.precision.toStdString();
    options.threads = s.threads;
    m_verdict->setText(tr("Checking %1…").arg(s.effectiveBundleDir()));
    m_check.setFuture(QtConcurrent::run(runCheck, s.effectiveBundleDir(), options));
}

QString SettingsDialog::verdictText() const { return m_verdict->text(); }

ImportDialog* SettingsDialog::openImport() {
    auto* dialog = new ImportDialog(settings().effectiveBundleDir(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ImportDialog::imported, this, [this](const QString& dir) {
        m_bundleDir->setText(dir);  // selected: verified again here, and saved with OK
        checkBundleNow();
    });
    return dialog;
}

void SettingsDialog::browseFolder(QLineEdit* edit, const QString& title) {
    const QString dir = QFileDialog::getExistingDirectory(this, title, edit->text());
    if (!dir.isEmpty()) edit->setText(dir);
}

}  // namespace chiaro::gui
