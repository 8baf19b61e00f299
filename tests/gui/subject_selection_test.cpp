// One-click subject selection on the engine thread with the tiny_seg bundle's toy segmenter (random
// weights: the matte means nothing, the flow does): the Edit tab's Auto select becomes the AI
// selection, its matte is the segmenter's, one undo step restores the previous mask exactly; without
// a segmenter the button stays GrabCut; the queue's "segmenter" masks use the worker's segmenter.
#include <catch2/catch.hpp>

#include <QAction>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QUndoStack>

#include <opencv2/core.hpp>

#include "canvas/edit_view.h"
#include "canvas/mask_document.h"
#include "canvas/subject_selector.h"
#include "canvas/tool_strip.h"
#include "canvas_test_support.h"
#include "chiaro/image/image_io.h"
#include "chiaro/pipeline/subject_segmenter.h"
#include "gui_test_util.h"
#include "image_bridge.h"
#include "main_window.h"
#include "queue/queue_model.h"
#include "queue/queue_runner.h"
#include "studio/drop_router.h"
#include "studio/studio.h"
#include "test_support.h"
#include "worker/engine_host.h"

using namespace chiaro::gui;

namespace {

chiaro::core::EngineOptions cpuOptions() {
    chiaro::core::EngineOptions options;
    options.device = "cpu";
    return options;
}

QString bundle(const char* name) { return QString::fromStdString(chiaro::test::bundleDir(name)); }

QImage coffee() {
    return matToQImage(chiaro::core::loadImageRgb(chiaro::test::sharedDir() + "/data/photos/coffee.png"));
}

}  // namespace

TEST_CASE("with a segmenter, one click selects the subject as one undo step", "[gui][segmenter][engine]") {
    EngineHost host;
    EditView view;
    view.setSubjectSelection(&host, bundle("tiny_seg"), cpuOptions());
    QAction* button = view.toolStrip()->autoSelectAction();
    REQUIRE(view.toolStrip()->segmenterAvailable());
    CHECK(button->text().contains("AI"));

    view.setPhoto(coffee(), QStringLiteral(":/no-sidecar.png"));
    MaskDocument* document = view.document();
    document->edit("left third", {}, [](cv::Mat& m) { m(cv::Rect(0, 0, m.cols / 3, m.rows)).setTo(255); });
    const cv::Mat before = document->mask().clone();
    const int steps = document->undoStack()->count();

    QSignalSpy finished(document, &MaskDocument::autoSelectFinished);
    QSignalSpy segmented(&host, &EngineHost::segmented);
    button->trigger();
    CHECK(document->isBusy());  // queued on the engine thread, not run on the UI thread
    CHECK_FALSE(button->isEnabled());
    REQUIRE(finished.wait(120000));
    INFO(finished.at(0).at(1).toString().toStdString());
    REQUIRE(finished.at(0).at(0).toBool());
    CHECK(segmented.count() == 1);
    CHECK_FALSE(document->isBusy());
    CHECK(button->isEnabled());

    const cv::Mat selected = document->mask().clone();
    REQUIRE(selected.size() == document->rgb().size());
    CHECK(cv::countNonZero(selected) > 0);
    // The mask is the segmenter's matte, kept soft.
    chiaro::core::SubjectSegmenter segmenter;
    segmenter.load(bundle("tiny_seg").toStdString(), cpuOptions());
    CHECK(chiaro::test::sameMask(selected, segmenter.segment(document->rgb())));

    REQUIRE(document->undoStack()->count() == steps + 1);
    CHECK(document->undoStack()->undoText().contains("AI"));
    document->undoStack()->undo();
    CHECK(chiaro::test::sameMask(document->mask(), before));
    document->undoStack()->redo();
    CHECK(chiaro::test::sameMask(document->mask(), selected));
}

TEST_CASE("without a segmenter the button keeps GrabCut and says how to get the AI selection",
          "[gui][segmenter][engine]") {
    EngineHost host;
    EditView view;
    view.setSubjectSelection(&host, bundle("tiny_fc"), cpuOptions());
    QAction* button = view.toolStrip()->autoSelectAction();
    CHECK_FALSE(view.subjectSelector()->isAvailable());
    CHECK_FALSE(button->text().contains("AI"));
    CHECK(button->toolTip().contains("--segmenter"));

    view.setPhoto(coffee(), QStringLiteral(":/no-sidecar.png"));
    QSignalSpy finished(view.document(), &MaskDocument::autoSelectFinished);
    QSignalSpy segmented(&host, &EngineHost::segmented);
    button->trigger();
    REQUIRE(finished.wait(60000));
    REQUIRE(finished.at(0).at(0).toBool());
    CHECK(segmented.count() == 0);  // the engine thread was not asked
    CHECK(view.document()->undoStack()->undoText() == QStringLiteral("Select subject"));  // GrabCut's step
    CHECK(cv::countNonZero(view.document()->mask()) > 0);

    // Pointing the settings at a bundle with a segmenter switches the button over.
    view.setSubjectSelection(&host, bundle("tiny_seg"), cpuOptions());
    CHECK(button->text().contains("AI"));
}

TEST_CASE("a segmentation that fails comes back as a readable failure", "[gui][segmenter][engine]") {
    EngineHost host;
    QSignalSpy failed(&host, &EngineHost::failed);
    QSignalSpy segmented(&host, &EngineHost::segmented);
    const quint64 noModel = host.submitSegment(cv::Mat(64, 64, CV_8UC3, cv::Scalar(9, 9, 9)), bundle("tiny_fc"),
                                               cpuOptions());
    REQUIRE(failed.wait(60000));
    CHECK(failed.at(0).at(0).toULongLong() == noModel);
    CHECK(failed.at(0).at(1).toString().contains("segmenter"));
    CHECK(segmented.count() == 0);
    CHECK_FALSE(host.isBusy());
}

TEST_CASE("a queued job with the segmenter mask source uses the worker's segmenter", "[gui][queue][segmenter][engine]") {
    QStandardPaths::setTestModeEnabled(true);
    chiaro::test::TempDir dir;
    MainWindow window(nullptr, QString::fromStdString(dir.file("queue.sqlite")));
    auto settings = window.studio()->settings();
    settings.bundleDir = bundle("tiny_seg");
    settings.device = "cpu";
    window.studio()->applySettings(settings);
    CHECK(window.editView()->subjectSelector()->isAvailable());  // the settings reached the Edit tab
    REQUIRE(window.queueModel());

    chiaro::core::RelightJob job;
    job.seed = 99;
    job.steps = 2;
    job.width = 256;
    job.height = 256;
    job.highresScale = 1.0;
    chiaro::jobs::JobSpec spec;
    spec.params = chiaro::core::jobToJson(job);
    spec.params["batch"] = {{"mask_method", "auto"}, {"bit_depth", 8}};
    spec.inputPath = chiaro::test::sharedDir() + "/data/photos/coffee.png";
    spec.outputPath = dir.file("out/coffee_seg.png");
    QSignalSpy finished(window.queueRunner(), &QueueRunner::jobFinished);
    const auto ids = chiaro::test::enqueueAndWait(*window.queueModel(), {spec});
    REQUIRE(ids.size() == 1);
    REQUIRE(finished.wait(240000));
    // Read back through a connection of the test's own (the model's store lives on its thread).
    const auto stored = chiaro::jobs::JobStore::open(window.queueModel()->storePath())->job(ids[0]);
    REQUIRE(stored);
    INFO(stored->error);
    REQUIRE(stored->state == chiaro::jobs::JobState::Done);
    const auto restored = readChiaroJob(QString::fromStdString(spec.outputPath));
    REQUIRE(restored);
    CHECK(restored->value("mask_source", std::string()) == "segmenter");
}
