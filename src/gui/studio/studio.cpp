#include "studio/studio.h"

#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMainWindow>
#include <QMenu>
#include <QMimeData>
#include <QPushButton>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QUrl>

#include <opencv2/core.hpp>

#include "chiaro/core/logging.h"
#include "chiaro/core/paths.h"
#include "chiaro/image/image_io.h"
#include "chiaro/pipeline/presets.h"
#include "image_bridge.h"
#include "panels/background_slot.h"
#include "panels/environment_box.h"
#include "panels/light_panel.h"
#include "panels/prompt_panel.h"
#include "result/compare_view.h"
#include "result/history_strip.h"
#include "result/variants_sheet.h"
#include "settings/import_dialog.h"
#include "settings/settings_dialog.h"
#include "studio/drop_router.h"
#include "studio/generate_controller.h"
#include "util/pool_task.h"
#include "worker/preview_renderer.h"

namespace chiaro::gui {

Studio::Studio(QMainWindow* window, std::function<bool(const QString&)> openPhoto)
    : QObject(window), m_window(window), m_openPhoto(std::move(openPhoto)) {
    QSettings qsettings;
    m_settings = AppSettings::load(qsettings);
    m_preview = new PreviewRenderer(this);
    buildDocks();
    buildTabs();
    m_generator = new GenerateController(
        GenerateViews{m_compare, m_history, m_variants, m_progress, m_notice}, this);
    m_generator->setSettings(m_settings);
    if (!m_settings.hasModels()) {  // first run: say where models come from before Generate is tried
        m_notice->setText(GenerateController::missingModelsText(m_settings.effectiveBundleDir()));
        m_notice->setVisible(true);
    }
    buildMenus();
    updateFastPreset();
    connect(this, &Studio::settingsApplied, this, &Studio::updateFastPreset);
    connect(m_prompt, &PromptPanel::modeChanged, this, &Studio::updateFastPreset);

    connect(m_light, &LightPanel::lightChanged, this, [this](const core::LightSettings& light) {
        if (m_preview->isPrepared() || !m_photoRgb.empty()) m_preview->requestRender(light);
    });
    connect(m_light, &LightPanel::estimateRequested, this, &Studio::estimateLight);
    m_light->environmentBox()->setBackgroundProvider([this] { return m_prompt->backgroundSlot()->background(); });
    connect(m_preview, &PreviewRenderer::previewReady, this, [this](const QImage& frame, const QElapsedTimer& requested) {
        if (m_generator->isBusy()) return;  // the engine's live preview has the view
        m_compare->setAfter(frame);
        m_compare->timeNextPaint(std::make_shared<PaintTiming>("preview frame {} ms", requested));
        m_compare->setCaption(tr("Instant preview (no model)"));
    });
    connect(m_preview, &PreviewRenderer::failed, this, &Studio::showStatus);
    connect(m_history, &HistoryStrip::entryActivated, this, &Studio::showHistoryEntry);
    connect(m_history, &HistoryStrip::restoreRequested, this, [this](int index) {
        restoreJob(m_history->entry(index).result->job);
    });
    connect(m_variants, &VariantsSheet::cellClicked, this, [this](int) {
        if (m_tabs) m_tabs->setCurrentWidget(m_compare);
    });
    connect(m_generator, &GenerateController::statusMessage, this, &Studio::showStatus);
    connect(m_generator, &GenerateController::resultAdded, this, [this](int index) {
        m_prompt->setLastSeed(m_history->entry(index).result->job.value("seed", uint64_t{0}));
    });
    m_maskTimer = new QTimer(this);
    m_maskTimer->setSingleShot(true);
    m_maskTimer->setInterval(350);
    connect(m_maskTimer, &QTimer::timeout, this, [this] {
        if (m_maskProvider) setMask(m_maskProvider(), "painted");
    });
    m_window->setAcceptDrops(true);
    m_window->installEventFilter(this);
}

Studio::~Studio() = default;

void Studio::showStatus(const QString& message) { m_window->statusBar()->showMessage(message, 8000); }

void Studio::setPhoto(const QString& path, const QImage& photo) { setPhoto(path, LoadedPhoto::fromImage(photo)); }

void Studio::setPhoto(const QString& path, const LoadedPhotoPtr& photo) {
    m_loaded = photo;
    m_photo = photo->view;
    m_photoRgb = photo->pixels.image;
    m_mask = m_maskProvider ? m_maskProvider() : cv::Mat();  // e.g. a <name>_mask.png found beside it
    if (m_mask.empty() || m_mask.size() != m_photoRgb.size() || cv::countNonZero(m_mask > 127) == 0) m_mask.release();
    m_maskSource = m_mask.empty() ? "none" : "file";
    m_history->clearEntries();
    m_compare->setBefore(photo->display.isNull() ? m_photo : photo->display);  // screen-sized
    m_compare->setAfter(QImage());
    m_prompt->setPhotoSize(m_photo.size());
    if (!path.startsWith(':')) {
        m_settings.addRecent(QFileInfo(path).absoluteFilePath());
        QSettings qsettings;
        m_settings.save(qsettings);
        rebuildRecentMenu();
    }
    updatePreviewSource();
}

void Studio::setMask(const cv::Mat& mask, const QString& source) {
    // A mask with nothing selected means "no mask" (the whole photo), for the engine as for the preview.
    const bool usable = !mask.empty() && mask.type() == CV_8UC1 && cv::countNonZero(mask > 127) > 0;
    m_mask = usable ? mask.clone() : cv::Mat();
    m_maskSource = usable ? source : QStringLiteral("none");
    updatePreviewSource();
}

void Studio::setMaskProvider(std::function<cv::Mat()> provider) { m_maskProvider = std::move(provider); }

void Studio::maskEdited() { m_maskTimer->start(); }

void Studio::updatePreviewSource() {
    if (m_photoRgb.empty()) return;
    core::PreviewOptions options;
    m_preview->setSource(m_photoRgb, m_mask, options);
    m_preview->requestRender(m_light->settings());
}

core::RelightJob Studio::baseJob() const {
    core::RelightJob job;
    if (m_loaded) {  // as core::setJobPhoto filled it when the photo was decoded
        job.image = m_loaded->pixels.image;
        job.original = m_loaded->pixels.original;
        job.iccProfile = m_loaded->pixels.iccProfile;
    }
    job.outputBitDepth = m_settings.bitDepth;
    job.mask = m_mask;
    job.maskSource = m_maskSource.toStdString();
    job.light = m_light->settings();
    return job;
}

core::RelightJob Studio::jobParameters() {
    core::RelightJob job;
    job.light = m_light->settings();
    m_prompt->writeTo(job);
    job.outputBitDepth = m_settings.bitDepth;
    job.background.release();  // pixels stay out of queued parameters
    return job;
}

bool Studio::refuseOutput() {
    const QString problem = m_prompt->outputProblem();
    if (problem.isEmpty()) return false;
    m_notice->setText(tr("Cannot generate: %1").arg(problem));
    m_notice->setVisible(true);
    showStatus(tr("Cannot generate: %1").arg(problem));
    return true;
}

void Studio::generate() {
    if (m_photoRgb.empty()) return showStatus(tr("Open a photo first"));
    if (refuseOutput()) return;
    core::RelightJob job = baseJob();
    m_prompt->writeTo(job);
    if (m_generator->generate(job) && m_tabs) m_tabs->setCurrentWidget(m_compare);
}

void Studio::generateVariants(int count) {
    if (m_photoRgb.empty()) return showStatus(tr("Open a photo first"));
    if (refuseOutput()) return;
    core::RelightJob job = baseJob();
    m_prompt->writeTo(job);  // one seed for the whole sheet
    const double elevation = job.light.direction ? job.light.direction->elevation : 0.0;
    if (m_generator->generateVariants(job, variantDirections(count, elevation)) && m_tabs) {
        m_tabs->setCurrentWidget(m_variantsTab);
    }
}

void Studio::cancel(core::CancelMode mode) { m_generator->cancel(mode); }

void Studio::showHistoryEntry(int index) {
    const HistoryEntry& entry = m_history->entry(index);
    m_compare->setAfter(entry.image);
    m_compare->setCaption(HistoryStrip::summary(entry.result->job));
}

bool Studio::restoreJob(const nlohmann::json& json) {
    core::RelightJob job;
    try {
        core::jobFromJson(json, job);
    } catch (const std::exception& e) {
        showStatus(tr("Cannot restore the job: %1").arg(QString::fromStdString(e.what())));
        return false;
    }
    m_prompt->readFrom(job);
    m_light->setSettings(job.light);
    m_preview->requestRender(job.light);
    showStatus(tr("Restored the parameters (seed %1)").arg(job.seed));
    return true;
}

bool Studio::handlePath(const QString& path) {
    // Open / recent / command line: no drop modifiers, so a photo always opens as the photo.
    return perform(routeDrop(classifyDroppedPath(path), DropContext{}), path);
}

bool Studio::handleDrop(const QStringList& paths, Qt::KeyboardModifiers modifiers) {
    DropContext context;
    context.hasPhoto = !m_photoRgb.empty();
    context.matchBackground = m_prompt->mode() == StudioMode::MatchBackground;
    context.shift = modifiers.testFlag(Qt::ShiftModifier);
    std::vector<DropKind> kinds;
    for (const QString& path : paths) kinds.push_back(classifyDroppedPath(path));
    const std::vector<DropAction> actions = routeDrop(kinds, context);
    bool used = false;
    for (size_t i = 0; i < actions.size(); ++i) {
        const bool extraImage = actions[i] == DropAction::Ignore && kinds[i] != DropKind::Unsupported;
        if (!extraImage) used = perform(actions[i], paths[static_cast<int>(i)]) || used;
    }
    return used;
}

bool Studio::perform(DropAction action, const QString& path) {
    switch (action) {
        case DropAction::OpenBatchFolder:
            if (m_tabs) {
                for (int i = 0; i < m_tabs->count(); ++i)
                    if (m_tabs->tabText(i) == tr("Batch")) m_tabs->setCurrentIndex(i);
            }
            Q_EMIT batchFolderDropped(path);
            return true;
        case DropAction::LoadMask:
            Q_EMIT maskFileDropped(path);
            return true;
        case DropAction::RestoreJob:
            return restoreJob(*readChiaroJob(path));
        case DropAction::OpenPhoto:
            return m_openPhoto(path);
        case DropAction::SetBackground:
            if (!m_prompt->backgroundSlot()->setBackgroundFile(path)) return false;
            showStatus(tr("Background for \"match background\": %1").arg(QFileInfo(path).fileName()));
            return true;
        case DropAction::Ignore:
            break;
    }
    showStatus(tr("Cannot use %1: not an image, mask or folder").arg(path));
    return false;
}

bool Studio::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_window && event->type() == QEvent::DragEnter) {
        auto* drag = static_cast<QDragEnterEvent*>(event);
        if (drag->mimeData()->hasUrls() || drag->mimeData()->hasImage()) drag->acceptProposedAction();
        return true;
    }
    if (watched == m_window && event->type() == QEvent::Drop) {
        auto* drop = static_cast<QDropEvent*>(event);
        QStringList paths;
        for (const QUrl& url : drop->mimeData()->urls()) {
            if (url.isLocalFile()) paths << url.toLocalFile();
        }
        if (handleDrop(paths, drop->modifiers())) drop->acceptProposedAction();
        return true;
    }
    return QObject::eventFilter(watched, event);
}

void Studio::estimateLight() {
    auto relighter = m_preview->relighter();
    if (!relighter) return showStatus(tr("Open a photo first (the estimate reads its shading)"));
    m_light->applyEstimate(relighter->originalLight());
}

void Studio::pasteImage() {
    const QImage image = QApplication::clipboard()->image();
    if (image.isNull()) return showStatus(tr("The clipboard holds no image"));
    const QString dir = QString::fromStdString(core::userDataDir()) + "/pasted";
    QDir().mkpath(dir);
    const QString path = dir + QStringLiteral("/pasted-%1.png")
                                   .arg(QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss"));
    // Written on the pool (a pasted screenshot of a 5K screen is 15 MP), then opened like a file.
    runOnPool(this, [image, path] { core::savePng(path.toStdString(), qImageToRgbMat(image)); },
              [this, path](const QString& error) {
                  if (!error.isEmpty()) return showStatus(tr("Cannot keep the pasted image: %1").arg(error));
                  m_openPhoto(path);
              });
}

bool Studio::saveAs(const QString& path) { return m_generator->save(path); }

void Studio::saveWithDialog() {
    if (m_history->currentEntry() < 0) return showStatus(tr("No result to save yet"));
    const QString path = QFileDialog::getSaveFileName(m_window, tr("Save result"), m_settings.outputDir,
                                                      tr("PNG image (*.png);;TIFF image (*.tif *.tiff)"));
    if (path.isEmpty()) return;
    const QString suffix = QFileInfo(path).suffix().toLower();
    const bool known = suffix == "png" || suffix == "tif" || suffix == "tiff";
    saveAs(known ? path : path + ".png");  // saveRelightResult writes TIFF for .tif / .tiff
}

void Studio::updateFastPreset() {
    const char* variant = m_prompt->mode() == StudioMode::MatchBackground ? "fbc" : "fc";
    m_prompt->setFastAvailable(core::fastPresetAvailable(m_settings.effectiveBundleDir().toStdString(), variant));
}

void Studio::applySettings(const AppSettings& settings) {
    m_settings = settings;
    m_generator->setSettings(settings);
    QSettings qsettings;
    m_settings.save(qsettings);
    Q_EMIT settingsApplied(m_settings);
}

void Studio::openImport() {
    ImportDialog dialog(m_settings.effectiveBundleDir(), m_window);
    connect(&dialog, &ImportDialog::imported, this, [this](const QString& dir) {
        AppSettings settings = m_settings;
        settings.bundleDir = dir;
        applySettings(settings);
        m_notice->setVisible(false);
        showStatus(tr("Models imported into %1").arg(dir));
    });
    dialog.exec();
}

void Studio::openSettings() {
    SettingsDialog dialog(m_settings, m_window);
    if (dialog.exec() == QDialog::Accepted) applySettings(dialog.settings());
}

void Studio::rebuildRecentMenu() {
    if (!m_recentMenu) return;
    m_recentMenu->clear();
    for (const QString& path : m_settings.recentFiles) {
        m_recentMenu->addAction(QFileInfo(path).fileName(), this, [this, path] { m_openPhoto(path); })
            ->setToolTip(path);
    }
    m_recentMenu->setEnabled(!m_settings.recentFiles.isEmpty());
}

}  // namespace chiaro::gui
