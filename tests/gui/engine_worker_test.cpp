// EngineWorker on the test thread with the tiny exported bundle: a cancel that arrives while the
// (uninterruptible) model load runs must end the job as Cancelled right after the load.
#include <catch2/catch.hpp>

#include <QSignalSpy>

#include "test_support.h"
#include "worker/engine_worker.h"

using namespace chiaro;

TEST_CASE("a cancel during model load returns Cancelled right after the load", "[gui][worker][engine]") {
    gui::EngineWorker worker;
    auto job = std::make_shared<core::RelightJob>();
    job->image = cv::Mat(256, 256, CV_8UC3, cv::Scalar(90, 120, 150));
    job->width = job->height = 256;
    job->steps = 2;
    job->highresScale = 1.0;
    gui::EngineRequest request;
    request.id = 7;
    request.job = job;
    request.bundleDir = QString::fromStdString(test::bundleDir("tiny_fc"));
    request.options.device = "cpu";
    request.cancel = std::make_shared<core::CancelToken>();

    // "Loading models…" is announced just before Engine::load: cancel then, as the UI thread would.
    QObject::connect(&worker, &gui::EngineWorker::stageChanged, &worker,
                     [&](quint64, const QString& message) {
                         if (message.startsWith("Loading models")) request.cancel->cancel();
                     },
                     Qt::DirectConnection);
    QSignalSpy stages(&worker, &gui::EngineWorker::stageChanged);
    QSignalSpy progressed(&worker, &gui::EngineWorker::progressed);
    QSignalSpy failed(&worker, &gui::EngineWorker::failed);
    gui::RelightResultPtr result;
    QObject::connect(&worker, &gui::EngineWorker::finished, &worker,
                     [&](quint64, const gui::RelightResultPtr& r) { result = r; }, Qt::DirectConnection);
    worker.run(request);

    REQUIRE(result);
    INFO(result->status.message);
    CHECK(result->status.code == core::ErrorCode::Cancelled);
    CHECK(result->unetCalls == 0);
    // Nothing ran after the load: no engine stage ("pass 1: ..."), no progress.
    REQUIRE(stages.size() == 1);
    CHECK(stages.at(0).at(1).toString().startsWith("Loading models"));
    CHECK(progressed.isEmpty());
    CHECK(failed.isEmpty());  // cancelling is not a failure

    // The load itself completed: the next, uncancelled job runs without reloading.
    request.id = 8;
    request.cancel = std::make_shared<core::CancelToken>();
    worker.run(request);
    REQUIRE(result);
    INFO(result->status.message);
    CHECK(result->status.ok());
    CHECK(result->unetCalls > 0);
}
