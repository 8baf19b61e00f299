// The one cost model (chiaro/jobs/job_cost.h) against the real engine on the tiny fc bundle: the
// steps it counts are the steps Engine::run reports, and on a steady workload the queue ETA after a
// few jobs is within 30 % of the time the rest really takes.
#include <catch2/catch.hpp>

#include <chrono>

#include "chiaro/image/image_io.h"
#include "chiaro/jobs/job_cost.h"
#include "chiaro/pipeline/engine.h"
#include "test_support.h"

using namespace chiaro;

namespace {

core::Engine& tinyEngine() {
    return test::loadedEngine("tiny_fc");
}

core::RelightJob baseJob() {
    core::RelightJob job;
    job.image = core::loadImageRgb(test::sharedDir() + "/parity/fc_left/input.png");
    job.prompt = "soft studio lighting";
    job.width = 256;
    job.height = 256;
    job.steps = 4;
    job.highresScale = 1.0;
    job.light.direction = core::LightDirection::normalized(270, 0);
    job.seed = 3;
    job.outputSize = {core::OutputSizeMode::Working, {}};
    return job;
}

// The step total the engine reports through its progress hook.
int engineSteps(const core::RelightJob& job) {
    int total = 0;
    core::RunHooks hooks;
    hooks.onProgress = [&](int, int steps, double, double) { total = steps; };
    const auto result = tinyEngine().run(job, hooks, core::CancelToken());
    REQUIRE(result.status.ok());
    return total;
}

jobs::StoredJob stored(const core::RelightJob& job) {
    jobs::StoredJob row;
    row.spec.params = core::jobToJson(job);
    return row;
}

}  // namespace

TEST_CASE("jobCost counts the sampler steps Engine::run runs, pass by pass", "[jobs][eta][engine]") {
    struct Case {
        const char* what;
        int steps, highresSteps;
        double scale, lowres, highres;
        bool light;
    };
    for (const Case& c : {Case{"defaults with a light", 5, 0, 1.0, 0.9, 0.5, true},
                          Case{"no light: pass 1 from noise", 4, 0, 1.0, 0.9, 0.5, false},
                          Case{"high-resolution pass, its own steps", 3, 6, 1.5, 0.8, 0.6, true},
                          Case{"odd denoise strengths", 7, 0, 1.25, 0.55, 0.35, true}}) {
        INFO(c.what);
        core::RelightJob job = baseJob();
        job.steps = c.steps;
        job.highresSteps = c.highresSteps;
        job.highresScale = c.scale;
        job.lowresDenoise = c.lowres;
        job.highresDenoise = c.highres;
        if (!c.light) job.light.direction.reset();
        const core::JobCost cost = jobs::jobCost(job);
        CHECK(cost.steps + cost.highresSteps == engineSteps(job));
        // The queued row (no pixels) costs the same as the loaded job at a fixed working size.
        const core::JobCost queued = jobs::jobCost(stored(job));
        CHECK(queued.steps == cost.steps);
        CHECK(queued.highresSteps == cost.highresSteps);
        CHECK(queued.highresWidth == cost.highresWidth);
    }
}

TEST_CASE("the queue ETA after a few jobs is within 30 % of the time the rest takes", "[jobs][eta][engine]") {
    // A steady workload of two kinds of job, as a batch with a light sweep on two sizes gives.
    core::RelightJob small = baseJob(), large = baseJob();
    large.width = 320;
    large.height = 384;
    large.steps = 6;
    std::vector<core::RelightJob> workload;
    for (int i = 0; i < 10; ++i) workload.push_back(i % 2 ? large : small);
    (void)engineSteps(small);  // warm-up: the first call pays one-time initialisation

    core::EtaEstimator eta;
    auto timed = [](const core::RelightJob& job) {
        const auto start = std::chrono::steady_clock::now();
        REQUIRE(tinyEngine().run(job, {}, core::CancelToken()).status.ok());
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    const size_t measured = 4;
    for (size_t i = 0; i < measured; ++i) eta.record(jobs::jobCost(workload[i]), timed(workload[i]));
    std::vector<jobs::StoredJob> rest;
    for (size_t i = measured; i < workload.size(); ++i) rest.push_back(stored(workload[i]));
    const double predicted = jobs::queueEtaSeconds(rest, eta);
    double actual = 0;
    for (size_t i = measured; i < workload.size(); ++i) actual += timed(workload[i]);
    INFO("predicted " << predicted << " s, took " << actual << " s");
    REQUIRE(predicted > 0);
    CHECK(predicted == Approx(actual).epsilon(0.30));
}
