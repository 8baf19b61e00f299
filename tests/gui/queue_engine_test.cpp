// A queued job runs on the studio's engine thread with the tiny exported bundle and its output PNG
// (with the metadata that restores the job) appears under the final name.
#include <catch2/catch.hpp>

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QStandardPaths>

#include "chiaro/image/image_io.h"
#include "main_window.h"
#include "queue/queue_model.h"
#include "queue/queue_runner.h"
#include "studio/drop_router.h"
#include "studio/studio.h"
#include "test_support.h"

using chiaro::jobstore::JobState;

TEST_CASE("a queued job runs to done and writes its output PNG", "[gui][queue][engine]") {
    QStandardPaths::setTestModeEnabled(true);
    chiaro::test::TempDir dir;
    chiaro::gui::MainWindow window(nullptr, QString::fromStdString(dir.file("queue.sqlite")));
    auto settings = window.studio()->settings();
    settings.bundleDir = QString::fromStdString(chiaro::test::bundleDir("tiny_fc"));
    settings.device = "cpu";
    window.studio()->applySettings(settings);
    chiaro::gui::QueueModel* model = window.queueModel();
    REQUIRE(model);

    chiaro::core::RelightJob job;
    job.seed = 4321;
    job.steps = 3;
    job.width = 256;
    job.height = 256;
    job.highresScale = 1.0;
    job.light.direction = chiaro::core::LightDirection{270, 10};
    chiaro::jobstore::JobSpec spec;
    spec.params = chiaro::core::jobToJson(job);
    spec.inputPath = chiaro::test::sharedDir() + "/data/photos/coffee.png";
    spec.outputPath = dir.file("out/coffee_relit.png");
    spec.label = "coffee";
    QSignalSpy finished(window.queueRunner(), &chiaro::gui::QueueRunner::jobFinished);
    const auto ids = model->enqueue({spec});
    REQUIRE(finished.wait(240000));
    CHECK(finished.at(0).at(1).toBool());
    const auto stored = model->store().job(ids[0]);
    REQUIRE(stored);
    INFO(stored->error);
    CHECK(stored->state == JobState::Done);
    CHECK(stored->seconds > 0);
    REQUIRE(QFileInfo::exists(QString::fromStdString(spec.outputPath)));
    // Worked at 256×256, written at the photo's own size (coffee.png is 600×400).
    CHECK(chiaro::core::probeImageSize(spec.outputPath) == cv::Size(600, 400));
    const auto restored = chiaro::gui::readChiaroJob(QString::fromStdString(spec.outputPath));
    REQUIRE(restored);
    CHECK(restored->at("seed").get<uint64_t>() == 4321);
    // The measured time feeds the ETA of the next job of that size.
    CHECK(model->eta().hasData());
    CHECK(model->eta().estimate(chiaro::gui::QueueModel::costOf(*stored)) > 0);
    // An output written before a crash (job not yet marked done) is never redone or overwritten.
    const QString copy = QString::fromStdString(dir.file("out/written_before_crash.png"));
    REQUIRE(QFile::copy(QString::fromStdString(spec.outputPath), copy));
    const QDateTime written = QFileInfo(copy).lastModified();
    spec.outputPath = copy.toStdString();
    const auto again = model->enqueue({spec});
    REQUIRE(finished.wait(20000));
    CHECK(model->store().job(again[0])->state == JobState::Done);
    CHECK(QFileInfo(copy).lastModified() == written);
}
