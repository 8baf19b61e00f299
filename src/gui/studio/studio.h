#pragma once
// The relighting studio attached to the main window: the light dock (instant weight-free preview while
// dragging), the generate dock (prompt panel, Generate / Cancel / Variants), the Result and Variants
// tabs, the history strip, drag and drop, recent files, paste, Save / Save As and the settings.
// MainWindow stays the owner of the photo and mask canvas; it tells the studio when they change.
#include <functional>

#include <QImage>
#include <QObject>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>

#include "chiaro/pipeline/engine.h"
#include "chiaro/pipeline/relight_job.h"
#include "settings/app_settings.h"
#include "studio/drop_router.h"
#include "worker/photo_loader.h"

class QLabel;
class QMainWindow;
class QMenu;
class QProgressBar;
class QPushButton;
class QToolButton;
class QTabWidget;
class QTimer;

namespace chiaro::gui {

class CompareView;
class GenerateController;
class HistoryStrip;
class LightPanel;
class PreviewRenderer;
class PromptPanel;
class VariantsSheet;

class Studio : public QObject {
    Q_OBJECT
public:
    // `openPhoto` opens a path in the main window (the studio hears back through setPhoto).
    Studio(QMainWindow* window, std::function<bool(const QString&)> openPhoto);
    ~Studio() override;

    // The main window opened a photo (decoded off the UI thread by PhotoLoader). Keeps the file's own
    // pixels and profile for Generate, resets the history and prepares the instant preview.
    void setPhoto(const QString& path, const LoadedPhotoPtr& photo);
    // The same for an 8-bit sRGB image (tests, stand-in windows).
    void setPhoto(const QString& path, const QImage& photo);
    // The subject mask changed (CV_8UC1, photo size; empty = none). `source` goes into the metadata.
    void setMask(const cv::Mat& mask, const QString& source = "painted");
    // Where the live mask comes from (the Edit tab's canvas). maskEdited() re-reads it after a short
    // pause, so a brush stroke does not re-prepare the preview on every pointer move.
    void setMaskProvider(std::function<cv::Mat()> provider);
    void maskEdited();

    // Routes a dropped/opened path (see drop_router.h). Returns false with a status message when the
    // file cannot be used.
    bool handlePath(const QString& path);
    // A drop of one or more paths anywhere on the window, routed by routeDrop (drop_router.h): with
    // Shift, or in "match background" mode with a photo open, an image becomes the fbc background.
    bool handleDrop(const QStringList& paths, Qt::KeyboardModifiers modifiers = Qt::NoModifier);
    // Puts a job's parameters (jobToJson) into the light and prompt panels.
    bool restoreJob(const nlohmann::json& job);

    // The light and prompt panels' parameters as a job without pixels (the Batch tab's snapshot).
    core::RelightJob jobParameters();

    void generate();
    void generateVariants(int count = 8);
    // Now: within one sampler step. AfterCurrentImage: the running image finishes, the rest of a
    // variants sweep is dropped (Shift+Esc, or the Cancel button's menu).
    void cancel(core::CancelMode mode = core::CancelMode::Now);
    bool saveAs(const QString& path);
    void applySettings(const AppSettings& settings);
    const AppSettings& settings() const { return m_settings; }

    LightPanel* lightPanel() const { return m_light; }
    PromptPanel* promptPanel() const { return m_prompt; }
    CompareView* compareView() const { return m_compare; }
    HistoryStrip* history() const { return m_history; }
    VariantsSheet* variants() const { return m_variants; }
    PreviewRenderer* previewRenderer() const { return m_preview; }
    GenerateController* generator() const { return m_generator; }
    QLabel* noticeLabel() const { return m_notice; }
    QToolButton* cancelButton() const { return m_cancelButton; }

Q_SIGNALS:
    void batchFolderDropped(const QString& folder);
    void maskFileDropped(const QString& path);
    void settingsApplied(const chiaro::gui::AppSettings& settings);  // after applySettings()

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void buildDocks();
    void buildTabs();
    void buildMenus();
    QWidget* buildGenerateBox(QWidget* parent);
    core::RelightJob baseJob() const;
    bool refuseOutput();  // a custom output size the photo cannot take: says why, returns true
    void updatePreviewSource();
    // Enables the prompt panel's Fast preset when the mode's bundle carries a few-step LoRA.
    void updateFastPreset();
    void showHistoryEntry(int index);
    void estimateLight();
    void pasteImage();
    void openSettings();
public:
    // Relight › Import Models… and the first-run notice's link: the import dialog; an imported
    // model folder becomes the settings' bundle folder.
    void openImport();

private:
    void saveWithDialog();
    void rebuildRecentMenu();
    void showStatus(const QString& message);
    bool perform(DropAction action, const QString& path);

    QMainWindow* m_window;
    std::function<bool(const QString&)> m_openPhoto;
    AppSettings m_settings;
    LightPanel* m_light = nullptr;
    PromptPanel* m_prompt = nullptr;
    CompareView* m_compare = nullptr;
    HistoryStrip* m_history = nullptr;
    VariantsSheet* m_variants = nullptr;
    PreviewRenderer* m_preview = nullptr;
    GenerateController* m_generator = nullptr;
    QTabWidget* m_tabs = nullptr;
    QWidget* m_variantsTab = nullptr;
    QPushButton* m_generateButton = nullptr;
    QToolButton* m_cancelButton = nullptr;
    QLabel* m_notice = nullptr;
    QProgressBar* m_progress = nullptr;
    QMenu* m_recentMenu = nullptr;
    QImage m_photo;
    LoadedPhotoPtr m_loaded;  // the photo as its file has it, and the job pixels made from it
    cv::Mat m_photoRgb;
    cv::Mat m_mask;
    QString m_maskSource = "none";
    std::function<cv::Mat()> m_maskProvider;
    QTimer* m_maskTimer = nullptr;
};

}  // namespace chiaro::gui
