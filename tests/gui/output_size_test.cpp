// Issue #17 in the app: the output size and crop of the prompt panel (remembered), the refusal of a
// custom size over twice the photo, restoring both from a result PNG, and the Batch tab's choice.
#include <catch2/catch.hpp>

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QLabel>
#include <QMainWindow>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTest>

#include <opencv2/imgcodecs.hpp>

#include "batch/batch_tab.h"
#include "chiaro/image/image_io.h"
#include "chiaro/pipeline/engine.h"
#include "chiaro/pipeline/framing.h"
#include "gui_test_util.h"
#include "main_window.h"
#include "panels/output_size_box.h"
#include "panels/prompt_panel.h"
#include "queue/queue_model.h"
#include "studio/generate_controller.h"
#include "studio/studio.h"
#include "../core/bundle/synthetic_bundle.h"  // tests/core/bundle
#include "test_support.h"
#include "worker/engine_host.h"

using chiaro::core::OutputSize;
using chiaro::core::OutputSizeMode;
using chiaro::core::RelightJob;
using chiaro::gui::OutputSizeBox;
using chiaro::gui::PromptPanel;

namespace {

// Each test starts from the defaults and leaves them behind (the binary may run several tests).
struct CleanOutputSettings {
    CleanOutputSettings() { clear(); }
    ~CleanOutputSettings() { clear(); }
    static void clear() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings settings;
        for (const char* key : {"output/size", "output/crop", "batch/size", "batch/crop", "output/bitDepth"})
            settings.remove(key);
    }
};

void choose(OutputSizeBox* box, OutputSizeMode mode) {
    QComboBox* combo = box->choiceBox();
    combo->setCurrentIndex(combo->findData(static_cast<int>(mode)));
}

struct StudioWindow {
    StudioWindow() {
        auto* tabs = new QTabWidget(&window);
        tabs->addTab(new QLabel("edit"), "Edit");
        window.setCentralWidget(tabs);
        studio = new chiaro::gui::Studio(&window, [](const QString&) { return false; });
        QImage photo(600, 400, QImage::Format_RGB888);
        photo.fill(QColor(120, 90, 60));
        studio->setPhoto(":/test-photo.png", photo);
    }
    QMainWindow window;
    chiaro::gui::Studio* studio = nullptr;
};

}  // namespace

TEST_CASE("the output size and crop choices go into the job and are remembered", "[gui][studio][output]") {
    CleanOutputSettings clean;
    {
        PromptPanel panel;
        panel.setPhotoSize({600, 400});
        CHECK(panel.outputSizeBox()->choiceBox()->currentText() == "Photo (600×400)");
        CHECK_FALSE(panel.cropBox()->isChecked());
        RelightJob job;
        panel.writeTo(job);
        CHECK(job.outputSize == OutputSize{});  // the photo's own size by default
        CHECK_FALSE(job.crop);
        // "Match photo": the engine fits the working size; the spin boxes show what it will be.
        CHECK(job.width == 0);
        CHECK(job.height == 0);
        job.image = cv::Mat(400, 600, CV_8UC3);
        const cv::Size working = chiaro::core::resolvedWorkingSize(job);
        CHECK(working == chiaro::core::workingSizeFor({600, 400}));
        CHECK(panel.widthSpin()->value() == working.width);
        CHECK(panel.heightSpin()->value() == working.height);

        choose(panel.outputSizeBox(), OutputSizeMode::Working);
        panel.cropBox()->setChecked(true);
        panel.writeTo(job);
        CHECK(job.outputSize.mode == OutputSizeMode::Working);
        CHECK(job.crop);
    }
    {
        PromptPanel panel;  // a new session
        CHECK(panel.outputSizeBox()->outputSize().mode == OutputSizeMode::Working);
        CHECK(panel.cropBox()->isChecked());
        choose(panel.outputSizeBox(), OutputSizeMode::Exact);
        panel.outputSizeBox()->customWidth()->setValue(1000);
        panel.outputSizeBox()->customHeight()->setValue(700);
        panel.cropBox()->setChecked(false);
    }
    PromptPanel panel;
    RelightJob job;
    panel.writeTo(job);
    CHECK(job.outputSize == (OutputSize{OutputSizeMode::Exact, {1000, 700}}));
    CHECK_FALSE(job.crop);
    CHECK(panel.outputSizeBox()->customWidth()->isVisibleTo(&panel));
}

TEST_CASE("a custom size over twice the photo is explained and starts no job", "[gui][studio][output]") {
    CleanOutputSettings clean;
    // A bundle with a valid manifest over random bytes: Generate takes it for a bundle and queues
    // the job, which then fails fast when LibTorch cannot read the files.
    chiaro::test::TempDir bundle;
    chiaro::test::writeSyntheticBundle(bundle.path(), "fc");
    StudioWindow f;
    auto s = f.studio->settings();
    s.bundleDir = QString::fromStdString(bundle.path());
    f.studio->applySettings(s);
    OutputSizeBox* box = f.studio->promptPanel()->outputSizeBox();
    choose(box, OutputSizeMode::Exact);
    box->customWidth()->setValue(1300);  // the photo is 600×400: at most 1200×800
    box->customHeight()->setValue(800);
    CHECK(box->problemLabel()->isVisibleTo(f.studio->promptPanel()));
    CHECK(box->problemLabel()->text().contains("more than twice the photo (600 × 400)"));

    f.studio->generate();
    CHECK_FALSE(f.studio->generator()->isBusy());
    CHECK(f.studio->noticeLabel()->text().contains("1300 × 800 is more than twice the photo"));
    f.studio->generateVariants(4);
    CHECK_FALSE(f.studio->generator()->isBusy());

    // Within the limit the same Generate queues a job (which then fails on the fake bundle).
    box->customWidth()->setValue(1200);
    CHECK_FALSE(box->problemLabel()->isVisibleTo(f.studio->promptPanel()));
    QSignalSpy finished(f.studio->generator()->host(), &chiaro::gui::EngineHost::finished);
    f.studio->generate();
    CHECK(f.studio->generator()->isBusy());
    REQUIRE(finished.wait(60000));
    const auto result = finished.last().at(1).value<chiaro::gui::RelightResultPtr>();
    CHECK_FALSE(result->status.ok());
}

TEST_CASE("restoring a result PNG brings back its output size and crop", "[gui][studio][output][drop]") {
    CleanOutputSettings clean;
    chiaro::test::TempDir dir;
    RelightJob job;
    job.seed = 99;
    job.outputSize = OutputSize{OutputSizeMode::Exact, {900, 600}};
    job.crop = true;
    job.width = 640;
    job.height = 448;
    chiaro::core::RelightResult result;
    result.image = cv::Mat(40, 60, CV_8UC3, cv::Scalar(10, 20, 30));
    result.job = chiaro::core::jobToJson(job);
    result.infotext = "relit";
    const std::string png = dir.file("result.png");
    chiaro::core::saveRelightResult(png, result);

    StudioWindow f;
    PromptPanel* panel = f.studio->promptPanel();
    REQUIRE(f.studio->handlePath(QString::fromStdString(png)));
    CHECK(panel->outputSizeBox()->outputSize() == job.outputSize);
    CHECK(panel->cropBox()->isChecked());
    CHECK_FALSE(panel->matchPhotoBox()->isChecked());
    CHECK(panel->widthSpin()->value() == 640);

    // A job fitted to its photo (0 × 0) restores "Match photo" and the photo-size output.
    job.outputSize = OutputSize{};
    job.crop = false;
    job.width = job.height = 0;
    result.job = chiaro::core::jobToJson(job);
    chiaro::core::saveRelightResult(png, result);
    REQUIRE(f.studio->handlePath(QString::fromStdString(png)));
    CHECK(panel->outputSizeBox()->outputSize() == OutputSize{});
    CHECK_FALSE(panel->cropBox()->isChecked());
    CHECK(panel->matchPhotoBox()->isChecked());
    CHECK(panel->widthSpin()->value() == chiaro::core::workingSizeFor({600, 400}).width);
}

TEST_CASE("the Batch tab's output size is remembered and carried by its jobs", "[gui][batch][output]") {
    CleanOutputSettings clean;
    chiaro::test::TempDir photos, queue;
    for (int i = 0; i < 2; ++i) {
        REQUIRE(cv::imwrite(photos.file("p" + std::to_string(i) + ".png"), cv::Mat(50, 70, CV_8UC3, cv::Scalar(i * 80))));
    }
    const QString queuePath = QString::fromStdString(queue.file("queue.sqlite"));
    {
        chiaro::gui::MainWindow window(nullptr, queuePath);
        REQUIRE(chiaro::test::waitForRestore(window));
        REQUIRE(chiaro::test::setPausedAndWait(*window.queueModel(), true));
        chiaro::gui::BatchTab* batch = window.batchTab();
        REQUIRE(batch);
        CHECK(batch->outputSizeBox()->outputSize() == OutputSize{});
        choose(batch->outputSizeBox(), OutputSizeMode::Working);
        auto s = window.studio()->settings();
        s.bitDepth = 16;
        window.studio()->applySettings(s);
        REQUIRE(chiaro::test::setFolderAndWait(*batch, QString::fromStdString(photos.path())));
        REQUIRE(chiaro::test::addToQueueAndWait(*batch) == 2);
        for (int r = 0; r < 2; ++r) {
            const auto& params = window.queueModel()->job(r).spec.params;
            CHECK(params.at("output_size") == "working");
            CHECK(params.at("batch").at("bit_depth") == 16);
            CHECK(params.at("output_bit_depth") == 16);
        }
        CHECK(chiaro::test::replyOf<int>([&](auto done) { window.queueModel()->cancelAllQueued(done); }) == 2);
        s.bitDepth = 0;
        window.studio()->applySettings(s);  // leaves the default behind
    }
    chiaro::gui::MainWindow window(nullptr, queuePath);
    CHECK(window.batchTab()->outputSizeBox()->outputSize().mode == OutputSizeMode::Working);
    // The studio's choice is separate.
    CHECK(window.studio()->promptPanel()->outputSizeBox()->outputSize() == OutputSize{});
}

// Not run by default: `chiaro_gui_tests "[.screenshot]"` with CHIARO_SCREENSHOT_DIR set writes the
// studio at 1366×768 with a photo open and the Generate dock scrolled to its output options, once with
// a custom size over twice the photo (the refusal shown), and the Batch tab.
TEST_CASE("screenshot of the output options", "[.screenshot]") {
    CleanOutputSettings clean;
    const QString out = qEnvironmentVariable("CHIARO_SCREENSHOT_DIR", QDir::tempPath());
    chiaro::test::TempDir queue;
    chiaro::gui::MainWindow window(nullptr, QString::fromStdString(queue.file("queue.sqlite")));
    window.resize(1366, 768);
    REQUIRE(chiaro::test::openPhotoAndWait(window, QString::fromStdString(chiaro::test::sharedDir() +
                                                                          "/data/photos/coffee.png")));
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    auto* area = qobject_cast<QScrollArea*>(window.findChild<QDockWidget*>("generateDock")->widget());
    REQUIRE(area);
    area->verticalScrollBar()->setValue(area->verticalScrollBar()->maximum());
    QCoreApplication::processEvents();
    window.grab().save(out + "/output_options.png");
    OutputSizeBox* box = window.studio()->promptPanel()->outputSizeBox();
    choose(box, OutputSizeMode::Exact);
    box->customWidth()->setValue(1500);
    box->customHeight()->setValue(900);
    window.studio()->generate();
    QCoreApplication::processEvents();
    area->verticalScrollBar()->setValue(area->verticalScrollBar()->maximum());
    QCoreApplication::processEvents();
    window.grab().save(out + "/output_custom_refused.png");
    window.findChild<QTabWidget*>()->setCurrentWidget(window.batchTab());
    QCoreApplication::processEvents();
    window.grab().save(out + "/output_batch_tab.png");
}
