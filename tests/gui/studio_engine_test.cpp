// Generate through the engine thread with the tiny exported bundle (random weights: the pixels mean
// nothing, the flow does): progress, a result in the history with its parameters, save with
// metadata, and cancel.
#include <catch2/catch.hpp>

#include <QLabel>
#include <QMainWindow>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>

#include "chiaro/image/photo.h"
#include "chiaro/image/png_metadata.h"
#include "gui_test_util.h"
#include "main_window.h"
#include "panels/prompt_panel.h"
#include "result/compare_view.h"
#include "result/history_strip.h"
#include "result/variants_sheet.h"
#include "studio/drop_router.h"
#include "studio/generate_controller.h"
#include "studio/studio.h"
#include "test_support.h"
#include "worker/engine_host.h"

using chiaro::gui::Studio;

namespace {

struct EngineStudio {
    EngineStudio() {
        QStandardPaths::setTestModeEnabled(true);
        auto* tabs = new QTabWidget(&window);
        tabs->addTab(new QLabel("edit"), "Edit");
        window.setCentralWidget(tabs);
        studio = new Studio(&window, [this](const QString& path) {
            studio->setPhoto(path, QImage(path));
            return true;
        });
        auto s = studio->settings();
        s.bundleDir = QString::fromStdString(chiaro::test::bundleDir("tiny_fc"));
        s.device = "cpu";
        s.outputDir = QString::fromStdString(out.path());
        studio->applySettings(s);
        studio->handlePath(QString::fromStdString(chiaro::test::sharedDir() + "/data/photos/coffee.png"));
    }
    // A small, fast job: 256×256, a few steps, no upscale.
    void smallJob(int steps) {
        chiaro::core::RelightJob job;
        job.seed = 777;
        job.steps = steps;
        job.width = 256;
        job.height = 256;
        job.highresScale = 1.0;
        job.prompt = "soft studio lighting";
        studio->promptPanel()->readFrom(job);
    }
    chiaro::test::TempDir out;
    QMainWindow window;
    Studio* studio = nullptr;
};

}  // namespace

TEST_CASE("generate with the tiny bundle puts a result with its parameters in the history",
          "[gui][studio][engine]") {
    EngineStudio f;
    f.smallJob(4);
    QSignalSpy added(f.studio->generator(), &chiaro::gui::GenerateController::resultAdded);
    QSignalSpy progress(f.studio->generator()->host(), &chiaro::gui::EngineHost::progressed);
    QSignalSpy autoSaved(f.studio->generator(), &chiaro::gui::GenerateController::saveFinished);
    f.studio->generate();
    CHECK(f.studio->generator()->isBusy());  // queued, not run on the UI thread
    REQUIRE(added.wait(240000));
    INFO(f.studio->noticeLabel()->text().toStdString());
    REQUIRE(f.studio->history()->count() == 1);
    const auto& entry = f.studio->history()->entry(0);
    CHECK(entry.result->status.ok());
    CHECK(entry.result->job.at("seed").get<uint64_t>() == 777);
    // Worked at 256×256, returned at the photo's own size (coffee.png is 600×400).
    CHECK(entry.result->image.size() == cv::Size(600, 400));
    CHECK(entry.image.size() == QSize(600, 400));
    CHECK(f.studio->compareView()->after() == entry.image);
    CHECK(progress.count() >= 4);
    CHECK(progress.last().at(1).toInt() == progress.last().at(2).toInt());  // last step = total

    // Auto-save wrote it (on the pool) with the metadata that restores the job.
    if (autoSaved.isEmpty()) REQUIRE(autoSaved.wait(60000));
    REQUIRE(autoSaved.first().at(1).toBool());
    REQUIRE_FALSE(entry.savedPath.isEmpty());
    auto job = chiaro::gui::readChiaroJob(entry.savedPath);
    REQUIRE(job);
    CHECK(job->at("seed").get<uint64_t>() == 777);
    CHECK(chiaro::core::readPngTextChunksFromFile(entry.savedPath.toStdString()).latin1.count("parameters") == 1);
    // Save As, 16-bit.
    auto s = f.studio->settings();
    s.bitDepth = 16;
    f.studio->applySettings(s);
    const QString saved = QString::fromStdString(f.out.file("again.png"));
    REQUIRE(chiaro::test::saveAndWait(*f.studio, saved));
    CHECK(QImage(saved).depth() >= 48);
}

TEST_CASE("cancel stops a running generation and nothing enters the history", "[gui][studio][engine]") {
    EngineStudio f;
    f.smallJob(60);
    QSignalSpy progress(f.studio->generator()->host(), &chiaro::gui::EngineHost::progressed);
    QSignalSpy finished(f.studio->generator()->host(), &chiaro::gui::EngineHost::finished);
    f.studio->generate();
    REQUIRE(progress.wait(240000));
    f.studio->cancel();
    REQUIRE(finished.wait(60000));
    const auto result = finished.last().at(1).value<chiaro::gui::RelightResultPtr>();
    CHECK(result->status.code == chiaro::core::ErrorCode::Cancelled);
    CHECK(progress.count() < 60);
    CHECK(f.studio->history()->count() == 0);
    CHECK_FALSE(f.studio->generator()->isBusy());
}

TEST_CASE("cancel after the current image lets the running variant finish and drops the rest",
          "[gui][studio][engine]") {
    EngineStudio f;
    f.smallJob(6);
    QSignalSpy progress(f.studio->generator()->host(), &chiaro::gui::EngineHost::progressed);
    QSignalSpy finished(f.studio->generator()->host(), &chiaro::gui::EngineHost::finished);
    QSignalSpy busy(f.studio->generator(), &chiaro::gui::GenerateController::busyChanged);
    f.studio->generateVariants(3);
    REQUIRE(f.studio->variants()->cellCount() == 3);
    REQUIRE(progress.wait(240000));  // the first variant is running
    f.studio->cancel(chiaro::core::CancelMode::AfterCurrentImage);
    while (f.studio->generator()->isBusy()) REQUIRE(finished.wait(240000));
    REQUIRE(finished.count() == 3);
    CHECK(finished.at(0).at(1).value<chiaro::gui::RelightResultPtr>()->status.ok());
    for (int i = 1; i < 3; ++i) {
        CHECK(finished.at(i).at(1).value<chiaro::gui::RelightResultPtr>()->status.code ==
              chiaro::core::ErrorCode::Cancelled);
    }
    CHECK(f.studio->history()->count() == 1);
    CHECK(f.studio->variants()->filledCount() == 1);  // the other two cells say "cancelled"
    CHECK(busy.last().at(0).toBool() == false);
}

TEST_CASE("Generate in the app returns the 16-bit photo at its own size and saves it at 16 bits",
          "[gui][studio][engine][photo]") {
    QStandardPaths::setTestModeEnabled(true);
    chiaro::test::TempDir dir;
    // An odd-sized 16-bit photo: not a multiple of 64, another aspect than the working size.
    cv::Mat pixels(300, 500, CV_16UC3);
    cv::randu(pixels, cv::Scalar::all(0), cv::Scalar::all(65535));
    chiaro::core::ImageWriteOptions options;
    options.bitDepth = 16;
    const std::string photo = dir.file("photo16.png");
    chiaro::core::saveImage(photo, pixels, options);

    chiaro::gui::MainWindow window(nullptr, QString::fromStdString(dir.file("queue.sqlite")));
    Studio* studio = window.studio();
    auto s = studio->settings();
    s.bundleDir = QString::fromStdString(chiaro::test::bundleDir("tiny_fc"));
    s.device = "cpu";
    s.outputDir.clear();
    s.bitDepth = 0;  // "Same as the photo"
    studio->applySettings(s);
    REQUIRE(chiaro::test::openPhotoAndWait(window, QString::fromStdString(photo)));
    chiaro::core::RelightJob job;
    job.seed = 31;
    job.steps = 3;
    job.width = 256;
    job.height = 256;
    job.highresScale = 1.0;
    studio->promptPanel()->readFrom(job);
    QSignalSpy added(studio->generator(), &chiaro::gui::GenerateController::resultAdded);
    studio->generate();
    REQUIRE(added.wait(240000));
    const auto& entry = studio->history()->entry(added.last().at(0).toInt());
    INFO(entry.result->status.message);
    REQUIRE(entry.result->status.ok());
    CHECK(entry.result->image.size() == cv::Size(500, 300));
    CHECK(entry.result->image.depth() == CV_16U);
    CHECK(entry.image.size() == QSize(500, 300));  // shown, converted on the engine thread
    CHECK(studio->compareView()->after().size() == QSize(500, 300));
    const QString saved = QString::fromStdString(dir.file("relit.png"));
    REQUIRE(chiaro::test::saveAndWait(*studio, saved));
    const chiaro::core::Photo back = chiaro::core::loadPhoto(saved.toStdString());
    CHECK(back.bitDepth() == 16);
    CHECK(back.pixels.size() == cv::Size(500, 300));
}
