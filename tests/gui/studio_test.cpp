// The studio on a stand-in main window (tabs Edit/Batch, like MainWindow): drag and drop routing,
// restoring a job from a Chiaro PNG, and the no-models path of Generate. No model bundle needed.
#include <catch2/catch.hpp>

#include <QApplication>
#include <QComboBox>
#include <QDockWidget>
#include <QLabel>
#include <QMainWindow>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QUrl>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "chiaro/image/image_io.h"
#include "chiaro/pipeline/presets.h"
#include "chiaro/pipeline/engine.h"
#include "main_window.h"
#include "panels/background_slot.h"
#include "panels/light_panel.h"
#include "panels/prompt_panel.h"
#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QSpinBox>
#include "result/compare_view.h"
#include "studio/drop_router.h"
#include "studio/studio.h"
#include "test_support.h"
#include "worker/preview_renderer.h"

using chiaro::gui::Studio;

namespace {

struct StudioFixture {
    StudioFixture() {
        QStandardPaths::setTestModeEnabled(true);  // QSettings writes go to a test location
        auto* tabs = new QTabWidget(&window);
        tabs->addTab(new QLabel("edit"), "Edit");
        tabs->addTab(new QLabel("batch"), "Batch");
        window.setCentralWidget(tabs);
        studio = new Studio(&window, [this](const QString& path) {
            QImage image(path);
            if (image.isNull()) return false;
            opened << path;
            studio->setPhoto(path, image);
            return true;
        });
    }
    void drop(const QString& path, Qt::KeyboardModifiers modifiers = Qt::NoModifier) {
        drop(QStringList{path}, modifiers);
    }
    void drop(const QStringList& paths, Qt::KeyboardModifiers modifiers = Qt::NoModifier) {
        QMimeData mime;
        QList<QUrl> urls;
        for (const QString& path : paths) urls << QUrl::fromLocalFile(path);
        mime.setUrls(urls);
        QDragEnterEvent enter(QPoint(20, 20), Qt::CopyAction, &mime, Qt::LeftButton, modifiers);
        QApplication::sendEvent(&window, &enter);
        REQUIRE(enter.isAccepted());
        QDropEvent dropEvent(QPointF(20, 20), Qt::CopyAction, &mime, Qt::LeftButton, modifiers);
        QApplication::sendEvent(&window, &dropEvent);
    }
    void setMode(chiaro::gui::StudioMode mode) {
        const auto boxes = studio->promptPanel()->findChildren<QComboBox*>();
        for (QComboBox* combo : boxes) {
            const int index = combo->findData(static_cast<int>(mode));
            if (combo->count() == 3 && index >= 0 && combo->itemText(0) == "Relight subject") combo->setCurrentIndex(index);
        }
        REQUIRE(studio->promptPanel()->mode() == mode);
    }
    QTabWidget* tabs() { return qobject_cast<QTabWidget*>(window.centralWidget()); }

    QMainWindow window;
    Studio* studio = nullptr;
    QStringList opened;
};

std::string photoPath(const char* name) { return chiaro::test::sharedDir() + "/data/photos/" + name; }

}  // namespace

TEST_CASE("dropping a photo file URL opens it and starts the instant preview", "[gui][studio][drop]") {
    StudioFixture f;
    QSignalSpy frames(f.studio->previewRenderer(), &chiaro::gui::PreviewRenderer::previewReady);
    const QString path = QString::fromStdString(photoPath("chelsea.png"));
    f.drop(path);
    REQUIRE(f.opened == QStringList{path});
    CHECK(f.studio->compareView()->before().size() == QImage(path).size());
    REQUIRE(frames.wait(20000));
    CHECK(frames.last().at(0).value<QImage>().size() == QImage(path).size());
    CHECK(f.studio->settings().recentFiles.value(0) == path);
}

TEST_CASE("dropped folders, masks and junk are routed, not opened as photos", "[gui][studio][drop]") {
    StudioFixture f;
    chiaro::test::TempDir dir;
    QSignalSpy batch(f.studio, &Studio::batchFolderDropped);
    QSignalSpy mask(f.studio, &Studio::maskFileDropped);
    f.drop(QString::fromStdString(dir.path()));
    REQUIRE(batch.count() == 1);
    CHECK(f.tabs()->tabText(f.tabs()->currentIndex()) == "Batch");

    const std::string maskFile = dir.file("coffee_mask.png");
    chiaro::core::savePng(maskFile, cv::Mat(40, 60, CV_8UC1, cv::Scalar(255)));
    f.drop(QString::fromStdString(maskFile));
    CHECK(mask.count() == 1);

    const std::string junk = dir.file("notes.txt");
    FILE* file = fopen(junk.c_str(), "w");
    fputs("not an image", file);
    fclose(file);
    CHECK(chiaro::gui::classifyDroppedPath(QString::fromStdString(junk)) == chiaro::gui::DropKind::Unsupported);
    f.drop(QString::fromStdString(junk));
    CHECK(f.opened.isEmpty());
    CHECK(chiaro::gui::classifyDroppedPath(QString::fromStdString(photoPath("rocket.jpg"))) ==
          chiaro::gui::DropKind::Photo);
}

TEST_CASE("dropping a Chiaro PNG restores its job into the panels", "[gui][studio][drop]") {
    chiaro::test::TempDir dir;
    chiaro::core::RelightJob job;
    job.prompt = "neon light, city";
    job.seed = 4242;
    job.steps = 17;
    job.cfg = 3.5;
    job.width = 640;
    job.height = 448;
    job.light.direction = chiaro::core::LightDirection{135.0, 25.0};
    job.light.intensity = 1.4;
    chiaro::core::RelightResult result;
    result.image = chiaro::core::loadImageRgb(photoPath("coffee.png"));
    result.job = chiaro::core::jobToJson(job);
    result.infotext = chiaro::core::jobInfotext(job, 640, 448, "abc");
    const std::string png = dir.file("result.png");
    chiaro::core::saveRelightResult(png, result);
    REQUIRE(chiaro::gui::classifyDroppedPath(QString::fromStdString(png)) == chiaro::gui::DropKind::ChiaroResult);

    StudioFixture f;
    f.drop(QString::fromStdString(png));
    CHECK(f.opened.isEmpty());  // a result restores parameters; it does not replace the photo
    chiaro::core::RelightJob restored;
    f.studio->promptPanel()->writeTo(restored);
    CHECK(restored.prompt == "neon light, city");
    CHECK(restored.seed == 4242);
    CHECK(restored.steps == 17);
    CHECK(restored.cfg == Approx(3.5));
    CHECK(restored.width == 640);
    CHECK(restored.height == 448);
    const auto light = f.studio->lightPanel()->settings();
    REQUIRE(light.direction);
    CHECK(light.direction->azimuth == Approx(135).margin(0.5));
    CHECK(light.direction->elevation == Approx(25).margin(0.5));
    CHECK(light.intensity == Approx(1.4));
}

TEST_CASE("a PNG with a broken chiaro chunk is an ordinary photo", "[gui][studio][drop]") {
    chiaro::test::TempDir dir;
    chiaro::core::PngWriteOptions options;
    options.metadata.utf8["chiaro"] = "{not json";
    const std::string png = dir.file("odd.png");
    chiaro::core::savePng(png, cv::Mat(32, 32, CV_8UC3, cv::Scalar(10, 20, 30)), options);
    CHECK_FALSE(chiaro::gui::readChiaroJob(QString::fromStdString(png)));
    CHECK(chiaro::gui::classifyDroppedPath(QString::fromStdString(png)) == chiaro::gui::DropKind::Photo);
}

TEST_CASE("Generate without models explains how to get them and keeps the preview", "[gui][studio]") {
    StudioFixture f;
    chiaro::test::TempDir empty;
    auto settings = f.studio->settings();
    settings.bundleDir = QString::fromStdString(empty.path());
    f.studio->applySettings(settings);
    REQUIRE(f.studio->handlePath(QString::fromStdString(photoPath("coffee.png"))));
    f.studio->generate();
    CHECK_FALSE(f.studio->noticeLabel()->isHidden());
    CHECK(f.studio->noticeLabel()->text().contains("Getting models"));
    CHECK(f.studio->noticeLabel()->text().contains("import models"));
    CHECK(f.studio->noticeLabel()->text().contains(QString::fromStdString(empty.path())));
    // The weight-free preview still answers the light panel.
    QSignalSpy frames(f.studio->previewRenderer(), &chiaro::gui::PreviewRenderer::previewReady);
    f.studio->lightPanel()->setDirection(chiaro::core::LightDirection{90, 0});
    REQUIRE(frames.wait(20000));
}

TEST_CASE("the main window opens a dropped photo and shows the studio's docks and tabs", "[gui][studio][drop]") {
    QStandardPaths::setTestModeEnabled(true);
    chiaro::gui::MainWindow window;
    REQUIRE(window.studio());
    const QString path = QString::fromStdString(photoPath("astronaut.png"));
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(path)});
    QDragEnterEvent enter(QPoint(20, 20), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &enter);
    QSignalSpy opened(&window, &chiaro::gui::MainWindow::photoOpened);
    QDropEvent drop(QPointF(20, 20), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &drop);
    REQUIRE(opened.wait(30000));  // decoded off the UI thread
    CHECK(window.currentPhotoPath() == path);
    CHECK(window.studio()->compareView()->before().size() == window.currentPhoto().size());
    auto* tabs = window.findChild<QTabWidget*>();
    REQUIRE(tabs);
    QStringList names;
    for (int i = 0; i < tabs->count(); ++i) names << tabs->tabText(i);
    CHECK(names == QStringList{"Edit", "Batch", "Result", "Variants"});
    CHECK(window.findChild<QDockWidget*>("lightDock"));
    CHECK(window.findChild<QDockWidget*>("generateDock"));
    CHECK(window.findChild<QDockWidget*>("historyDock"));
}

TEST_CASE("drop rules: Shift or match-background mode send a second photo to the background slot",
          "[gui][studio][drop]") {
    using chiaro::gui::DropAction;
    using chiaro::gui::DropContext;
    using chiaro::gui::DropKind;
    using chiaro::gui::routeDrop;
    const DropContext fresh{};
    CHECK(routeDrop(DropKind::Photo, fresh) == DropAction::OpenPhoto);
    CHECK(routeDrop(DropKind::Photo, DropContext{true, false, false}) == DropAction::OpenPhoto);
    CHECK(routeDrop(DropKind::Photo, DropContext{true, true, false}) == DropAction::SetBackground);
    CHECK(routeDrop(DropKind::Photo, DropContext{false, true, false}) == DropAction::OpenPhoto);  // first photo
    CHECK(routeDrop(DropKind::Photo, DropContext{false, false, true}) == DropAction::SetBackground);
    CHECK(routeDrop(DropKind::ChiaroResult, fresh) == DropAction::RestoreJob);
    CHECK(routeDrop(DropKind::ChiaroResult, DropContext{true, false, true}) == DropAction::SetBackground);
    CHECK(routeDrop(DropKind::Mask, DropContext{true, true, true}) == DropAction::LoadMask);
    CHECK(routeDrop(DropKind::Folder, DropContext{true, true, true}) == DropAction::OpenBatchFolder);
    CHECK(routeDrop(DropKind::Unsupported, fresh) == DropAction::Ignore);
    // Two photos at once in fbc mode: subject then background; outside fbc mode only the first opens.
    CHECK(routeDrop({DropKind::Photo, DropKind::Photo}, DropContext{false, true, false}) ==
          std::vector<DropAction>{DropAction::OpenPhoto, DropAction::SetBackground});
    CHECK(routeDrop({DropKind::Photo, DropKind::Photo, DropKind::Photo}, DropContext{false, false, false}) ==
          std::vector<DropAction>{DropAction::OpenPhoto, DropAction::Ignore, DropAction::Ignore});
}

TEST_CASE("a photo dropped anywhere on the window sets the fbc background in match-background mode",
          "[gui][studio][drop]") {
    StudioFixture f;
    const QString subject = QString::fromStdString(photoPath("coffee.png"));
    const QString second = QString::fromStdString(photoPath("chelsea.png"));
    auto* slot = f.studio->promptPanel()->backgroundSlot();
    f.drop(subject);
    REQUIRE(f.opened == QStringList{subject});

    // Subject mode: the second photo replaces the first.
    f.drop(second);
    CHECK(f.opened == QStringList({subject, second}));
    CHECK(slot->path().isEmpty());

    // Shift: the background, whatever the mode. It is decoded on the pool: the slot says so.
    QSignalSpy changed(slot, &chiaro::gui::BackgroundSlot::backgroundChanged);
    f.drop(subject, Qt::ShiftModifier);
    CHECK(slot->isLoading());
    CHECK(slot->text().startsWith("Loading coffee.png"));
    REQUIRE(changed.wait(20000));
    CHECK_FALSE(slot->isLoading());
    CHECK(slot->path() == subject);
    CHECK(f.opened.size() == 2);

    // Match background with a photo open: the background.
    f.setMode(chiaro::gui::StudioMode::MatchBackground);
    f.drop(second);
    REQUIRE(changed.wait(20000));
    CHECK(slot->path() == second);
    CHECK(slot->background().cols == QImage(second).width());
    CHECK(f.opened.size() == 2);
}

TEST_CASE("two photos dropped together in match-background mode: subject and background", "[gui][studio][drop]") {
    StudioFixture f;
    f.setMode(chiaro::gui::StudioMode::MatchBackground);
    const QString subject = QString::fromStdString(photoPath("astronaut.png"));
    const QString background = QString::fromStdString(photoPath("chelsea.png"));
    QSignalSpy changed(f.studio->promptPanel()->backgroundSlot(), &chiaro::gui::BackgroundSlot::backgroundChanged);
    f.drop(QStringList{subject, background});
    CHECK(f.opened == QStringList{subject});
    REQUIRE(changed.wait(20000));
    CHECK(f.studio->promptPanel()->backgroundSlot()->path() == background);
}

// Issue #23: the Fast preset is offered only for models whose manifest records a few-step LoRA.
TEST_CASE("the Fast preset is enabled only for a bundle with a few-step LoRA", "[gui][studio][few-step]") {
    namespace fs = std::filesystem;
    chiaro::test::TempDir dir;
    const fs::path plain = chiaro::test::bundleDir("tiny_fc");
    const fs::path withLora = fs::path(dir.path()) / "tiny_fc_lcm";
    fs::copy(plain, withLora, fs::copy_options::recursive);
    nlohmann::json manifest = nlohmann::json::parse(std::ifstream(withLora / "manifest.json"));
    manifest["loras"] = nlohmann::json::array({{{"file", "lcm-lora-sdv1-5.safetensors"},
                                                {"sha256", std::string(64, 'a')},
                                                {"format", "diffusers-old"},
                                                {"strength", 1.0},
                                                {"fast", true}}});
    std::ofstream(withLora / "manifest.json") << manifest.dump(2);

    StudioFixture f;
    auto* panel = f.studio->promptPanel();
    auto settings = f.studio->settings();
    settings.bundleDir = QString::fromStdString(plain.string());
    f.studio->applySettings(settings);
    CHECK_FALSE(panel->fastBox()->isEnabled());

    settings.bundleDir = QString::fromStdString(withLora.string());
    f.studio->applySettings(settings);
    REQUIRE(panel->fastBox()->isEnabled());
    panel->stepsSpin()->setValue(25);
    panel->fastBox()->setChecked(true);
    chiaro::core::RelightJob job;
    panel->writeTo(job);
    CHECK(chiaro::core::isFastPreset(job));
    CHECK(job.sampler == chiaro::core::SamplerKind::Lcm);
    CHECK(job.highresSteps == 4);
    CHECK(job.cfg == Approx(1.2));

    // Unchecked: the settings it replaced come back.
    panel->fastBox()->setChecked(false);
    panel->writeTo(job);
    CHECK(job.steps == 25);
    CHECK(job.sampler == chiaro::core::SamplerKind::DpmPp2mSdeKarras);
    CHECK(job.highresSteps == 0);

    // Back to models without the LoRA: disabled and unchecked.
    panel->fastBox()->setChecked(true);
    settings.bundleDir = QString::fromStdString(plain.string());
    f.studio->applySettings(settings);
    CHECK_FALSE(panel->fastBox()->isEnabled());
    CHECK_FALSE(panel->fastBox()->isChecked());
}
