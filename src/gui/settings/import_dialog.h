#pragma once
// Settings › Import models…: pick the SD 1.5 base (folder or file), one or two IC-Light files and
// an optional segmenter / VAE / vocabulary (Browse, or drop files and folders onto a field or
// anywhere on the dialog) and optional LoRAs with a strength each (merged into the bundles), then
// Import runs the exporter with a progress bar and Cancel. The
// exporter's error is shown in its own words. On success imported() carries the model folder and
// the dialog closes; the caller selects that folder.
#include <QDialog>

#include "chiaro/bundle/model_import.h"

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace chiaro::gui {

class ImportRunner;
class LoraList;

class ImportDialog : public QDialog {
    Q_OBJECT
public:
    // Lora is no line edit (field() returns nullptr for it): routeDroppedPath's answer for a LoRA
    // file, which goes to loraList().
    enum class Field { Base, IcLight, IcLight2, Segmenter, Vae, Vocab, Out, Lora };

    explicit ImportDialog(const QString& outDir, QWidget* parent = nullptr);
    ~ImportDialog() override;

    QLineEdit* field(Field which) const;
    LoraList* loraList() const { return m_loras; }
    QProgressBar* progressBar() const { return m_progress; }
    QPushButton* importButton() const { return m_import; }
    QPushButton* cancelButton() const { return m_cancel; }
    QString statusText() const;
    QString errorText() const;
    bool isRunning() const;
    core::ImportRequest request() const;
    // Puts a dropped path where it belongs: a diffusers folder or checkpoint -> base, an IC-Light
    // file -> the first free IC-Light field, a LoRA -> the LoRA list (strength 1), other
    // .safetensors -> segmenter; returns the field.
    Field routeDroppedPath(const QString& path);
    void startImport();

Q_SIGNALS:
    void imported(const QString& modelDir);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;
    void reject() override;

private:
    QLineEdit* addPathRow(Field which, const QString& label, const QString& placeholder, bool folder, bool file);
    void browse(Field which, bool folder);
    void setRunning(bool running);
    void onFinished(bool ok, bool cancelled, const QString& message, const QString& outDir);
    void showError(const QString& message);

    QLineEdit* m_fields[7] = {};
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_error = nullptr;
    QPushButton* m_import = nullptr;
    QPushButton* m_cancel = nullptr;
    QWidget* m_form = nullptr;
    LoraList* m_loras = nullptr;
    ImportRunner* m_runner = nullptr;
};

}  // namespace chiaro::gui
