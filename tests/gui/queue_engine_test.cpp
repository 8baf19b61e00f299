// A queued job runs on the studio's engine thread with the tiny exported bundle and its output PNG
// (with the metadata that restores the job) appears under the final name.
#include <catch2/catch.hpp>

#include <algorithm>

#include <QDateTime>
#include <QDir>
#include <QProcess>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QStandardPaths>

#include <sqlite3.h>

#include "chiaro/image/image_io.h"
#include "chiaro/jobs/job_cost.h"
#include <nlohmann/json.hpp>
#include "main_window.h"
#include "queue/queue_model.h"
#include "queue/queue_runner.h"
#include "studio/drop_router.h"
#include "studio/studio.h"
#include "gui_test_util.h"
#include "test_support.h"

using chiaro::jobs::JobState;

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
    chiaro::jobs::JobSpec spec;
    spec.params = chiaro::core::jobToJson(job);
    spec.inputPath = chiaro::test::sharedDir() + "/data/photos/coffee.png";
    spec.outputPath = dir.file("out/coffee_relit.png");
    spec.label = "coffee";
    QSignalSpy finished(window.queueRunner(), &chiaro::gui::QueueRunner::jobFinished);
    const auto ids = chiaro::test::enqueueAndWait(*model, {spec});
    REQUIRE(ids.size() == 1);
    REQUIRE(finished.wait(240000));
    CHECK(finished.at(0).at(1).toBool());
    // The test's own connection to the file (the model's store lives on its store thread).
    auto store = chiaro::jobs::JobStore::open(dir.file("queue.sqlite"));
    const auto stored = store->job(ids[0]);
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
    // The measured time feeds the ETA of the next job of that size, under this device's key (the
    // same setting `chiaro-cli batch` reads).
    CHECK(model->eta().hasData());
    CHECK(model->eta().estimate(chiaro::jobs::jobCost(*stored)) > 0);
    CHECK_FALSE(store->setting("eta/cpu/fp32").empty());
    // An output written before a crash (its job left running, not marked done) is never redone or
    // overwritten: the recovered job is marked done as it is.
    const QDateTime written = QFileInfo(QString::fromStdString(spec.outputPath)).lastModified();
    {
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open(dir.file("queue.sqlite").c_str(), &db) == SQLITE_OK);
        REQUIRE(sqlite3_exec(db, "UPDATE jobs SET state = 'running', owner = '', lease_expires_at = 0",
                             nullptr, nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(db);
    }
    CHECK(store->recoverExpiredLeases() == 1);
    model->reload();
    REQUIRE(finished.wait(20000));
    CHECK(store->job(ids[0])->state == JobState::Done);
    CHECK(store->job(ids[0])->attempts == 2);
    CHECK(QFileInfo(QString::fromStdString(spec.outputPath)).lastModified() == written);
    // A file the job did not write at its output path (a copy of another job's result) is never
    // overwritten: the job fails and says so.
    const QString copy = QString::fromStdString(dir.file("out/someone_elses.png"));
    REQUIRE(QFile::copy(QString::fromStdString(spec.outputPath), copy));
    const QDateTime copied = QFileInfo(copy).lastModified();
    spec.outputPath = copy.toStdString();
    const auto again = chiaro::test::enqueueAndWait(*model, {spec});
    REQUIRE(again.size() == 1);
    REQUIRE(finished.wait(20000));
    const auto refused = store->job(again[0]);
    CHECK(refused->state == JobState::Failed);
    CHECK(refused->error.find("not overwritten") != std::string::npos);
    CHECK(QFileInfo(copy).lastModified() == copied);
}

// Issue #19: the app's queue and a `chiaro-cli batch` on the same queue file work side by side;
// each job is run by one of them, once.
TEST_CASE("the app's queue and a CLI runner share one queue file, each job run once", "[gui][queue][engine]") {
    QStandardPaths::setTestModeEnabled(true);
    chiaro::test::TempDir dir;
    const std::string queue = dir.file("queue.sqlite");
    chiaro::gui::MainWindow window(nullptr, QString::fromStdString(queue));
    auto settings = window.studio()->settings();
    settings.bundleDir = QString::fromStdString(chiaro::test::bundleDir("tiny_fc"));
    settings.device = "cpu";
    settings.threads = 1;
    window.studio()->applySettings(settings);
    chiaro::gui::QueueModel* model = window.queueModel();
    REQUIRE(chiaro::test::waitForRestore(window));
    REQUIRE(chiaro::test::setPausedAndWait(*model, true));
    std::vector<chiaro::jobs::JobSpec> specs;
    for (int i = 0; i < 6; ++i) {
        chiaro::core::RelightJob job;
        job.seed = 100 + i;
        job.steps = 6;
        job.width = job.height = 256;
        job.highresScale = 1.0;
        job.light.direction = chiaro::core::LightDirection{90.0 * i, 10};
        job.outputSize = {chiaro::core::OutputSizeMode::Working, {}};
        chiaro::jobs::JobSpec spec;
        spec.params = chiaro::core::jobToJson(job);
        spec.inputPath = chiaro::test::sharedDir() + "/data/photos/coffee.png";
        spec.outputPath = dir.file("out/coffee_" + std::to_string(i) + ".png");
        spec.bundleDir = chiaro::test::bundleDir("tiny_fc");
        spec.batchId = "shared";
        specs.push_back(spec);
    }
    const auto ids = chiaro::test::enqueueAndWait(*model, specs);
    REQUIRE(ids.size() == specs.size());
    QDir().mkpath(QString::fromStdString(dir.file("in")));
    QProcess cli;
    cli.setProcessChannelMode(QProcess::MergedChannels);
    cli.start(CHIARO_CLI_PATH, {"batch", QString::fromStdString(dir.file("in")), "-o", QString::fromStdString(dir.file("out")),
                                "--queue", QString::fromStdString(queue), "--resume", "--json", "--threads", "1",
                                "--models", QString::fromStdString(chiaro::test::bundleDir("tiny_fc"))});
    REQUIRE(cli.waitForStarted(10000));
    model->setPaused(false);
    QSignalSpy finished(window.queueRunner(), &chiaro::gui::QueueRunner::jobFinished);
    // The CLI exits once nothing is left to claim; the app runs until its running job is done.
    const auto deadline = QDateTime::currentMSecsSinceEpoch() + 240000;
    while (cli.state() != QProcess::NotRunning || window.queueRunner()->isRunning()) {
        REQUIRE(QDateTime::currentMSecsSinceEpoch() < deadline);
        finished.wait(100);
    }
    const QString log = QString::fromUtf8(cli.readAll());
    INFO(log.toStdString());
    CHECK(cli.exitCode() == 0);
    const auto summary = nlohmann::json::parse(log.mid(log.lastIndexOf("\n{") + 1).toStdString());
    const int byCli = summary["done"].get<int>();
    const int byApp = static_cast<int>(std::count_if(finished.begin(), finished.end(),
                                                     [](const QList<QVariant>& args) { return args.at(1).toBool(); }));
    CHECK(byCli + byApp == 6);  // every job completed by exactly one of them
    CHECK(byApp >= 1);
    CHECK(byCli >= 1);
    auto store = chiaro::jobs::JobStore::open(queue);  // the test's own connection
    for (int64_t id : ids) {
        const auto job = store->job(id);
        INFO(job->error);
        CHECK(job->state == JobState::Done);
        CHECK(job->attempts == 1);
        CHECK(QFileInfo::exists(QString::fromStdString(job->spec.outputPath)));
    }
    CHECK(QDir(QString::fromStdString(dir.file("out"))).entryList(QDir::Files | QDir::Hidden).size() == 6);
}
