#pragma once
// Preferences: model bundle folder (with the `models check` verdict, computed off the UI thread),
// device, precision, threads, output folder, bit depth, and whether to resume the queue on start.
#include <QDialog>
#include <QFutureWatcher>

#include "chiaro/bundle/bundle_check.h"
#include "settings/app_settings.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace chiaro::gui {

class ImportDialog;

class SettingsDialog : public QDialog {
    Q_OBJECT
public:
    explicit SettingsDialog(const AppSettings& settings, QWidget* parent = nullptr);
    ~SettingsDialog() override;

    AppSettings settings() const;
    // Runs checkBundle on the folder in the dialog; the verdict appears when done.
    void checkBundleNow();
    QString verdictText() const;
    // The Import… button: an import dialog (deleted on close) whose imported folder becomes this
    // dialog's bundle folder and is checked. Returned unopened (open() shows it).
    ImportDialog* openImport();
    QLineEdit* bundleDirEdit() const { return m_bundleDir; }
    QComboBox* queueResumeBox() const { return m_queueResume; }
    bool isChecking() const { return m_check.isRunning(); }

Q_SIGNALS:
    void bundleChecked(bool ok, const QString& summary);

private:
    void browseFolder(QLineEdit* edit, const QString& title);

    AppSettings m_settings;
    QLineEdit* m_bundleDir = nullptr;
    QLabel* m_verdict = nullptr;
    QComboBox* m_device = nullptr;
    QComboBox* m_precision = nullptr;
    QSpinBox* m_threads = nullptr;
    QLineEdit* m_outputDir = nullptr;
    QComboBox* m_bitDepth = nullptr;
    QComboBox* m_queueResume = nullptr;  // data: ask | auto | no (AppSettings::queueResume)
    QSpinBox* m_queueLease = nullptr;    // AppSettings::queueLeaseSeconds
    QFutureWatcher<core::BundleCheckReport> m_check;
};

}  // namespace chiaro::gui
