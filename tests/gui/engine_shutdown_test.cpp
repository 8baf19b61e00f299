// Quitting never waits for a model load: the engine host gives a busy engine thread a bounded time
// (EngineHost::kShutdownWaitMs), then abandons it, and the thread cleans up when its load returns.
#include <catch2/catch.hpp>

#include <memory>

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include "slow_bundle.h"
#include "test_support.h"
#include "worker/engine_host.h"

using chiaro::gui::EngineHost;

namespace {

chiaro::core::RelightJob smallJob() {
    chiaro::core::RelightJob job;
    job.image = cv::Mat(64, 64, CV_8UC3, cv::Scalar(90, 120, 150));
    job.width = job.height = 64;
    job.steps = 1;
    return job;
}

chiaro::core::EngineOptions cpu() {
    chiaro::core::EngineOptions options;
    options.device = "cpu";
    return options;
}

// True once the host announced the model load (emitted just before Engine::load) and the load has
// had a moment to get into hashing the big file.
bool waitForLoad(QSignalSpy& stages) {
    const bool announced = QTest::qWaitFor(
        [&] {
            for (const auto& args : stages)
                if (args.at(1).toString().startsWith("Loading models"))
                    return true;
            return false;
        },
        20000);
    QTest::qWait(200);
    return announced;
}

}  // namespace

TEST_CASE("an idle engine host is destroyed at once and abandons nothing",
          "[gui][worker][shutdown]") {
    auto host = std::make_unique<EngineHost>();
    QElapsedTimer clock;
    clock.start();
    host.reset();
    CHECK(clock.elapsed() < 1000);  // an idle thread quits at once; slack for a loaded machine
    CHECK(EngineHost::abandonedThreads() == 0);
}

TEST_CASE("destroying the engine host during an uninterruptible model load returns within a second",
          "[gui][worker][shutdown]") {
    chiaro::test::TempDir dir;
    const chiaro::test::SlowBundle bundle(dir.file("slow"));
    auto host = std::make_unique<EngineHost>();
    QSignalSpy stages(host.get(), &EngineHost::stageChanged);
    QSignalSpy finished(host.get(), &EngineHost::finished);
    host->submit(smallJob(), QString::fromStdString(bundle.dir()), cpu());
    REQUIRE(waitForLoad(stages));
    REQUIRE(finished.isEmpty());  // still loading: the sparse file takes minutes to hash

    // Switching bundles (a settings change) while the load runs queues behind it: nothing waits.
    QElapsedTimer clock;
    clock.start();
    host->submit(smallJob(), QString::fromStdString(dir.file("another-bundle")), cpu());
    host->cancelAll();
    CHECK(clock.elapsed() < 500);  // generous for a loaded 2-core CI machine; a wait would be minutes
    CHECK(host->isBusy());  // the running load is not finished by a cancel

    clock.restart();
    host.reset();
    const qint64 destroyMs = clock.elapsed();
    CHECK(destroyMs >=
          qint64(EngineHost::kShutdownWaitMs) - 50);  // it did give the thread its chance
    CHECK(destroyMs < 3000);  // the wait is 500 ms; the rest is slack for a loaded machine, the load takes minutes
    CHECK(EngineHost::abandonedThreads() == 1);

    // The abandoned thread finishes on its own once its load returns (here: fails at once), and it
    // is no longer counted; its QThread is deleted from this thread's event loop.
    bundle.release();
    CHECK(QTest::qWaitFor([] { return EngineHost::abandonedThreads() == 0; }, 30000));
    QTest::qWait(50);
}
