// ETA estimates on a steady synthetic workload: seconds = a * pixels * steps + b + noise.
#include <random>

#include <catch2/catch.hpp>

#include "chiaro/jobs/eta_estimator.h"

using namespace chiaro::core;

namespace {
double trueSeconds(const JobCost& c) {
    const double a = 2.0e-6, b = 1.5;  // 2 s per megapixel-step, 1.5 s fixed per job
    double work = static_cast<double>(c.width) * c.height * c.steps +
                  static_cast<double>(c.highresWidth) * c.highresHeight * c.highresSteps;
    return a * work + b;
}

JobCost cost(int w, int h, int steps, int hiSteps = 0, double scale = 1.5) {
    JobCost c{w, h, steps, hiSteps, 0, 0};
    if (hiSteps > 0) {
        c.highresWidth = static_cast<int>(w * scale);
        c.highresHeight = static_cast<int>(h * scale);
    }
    return c;
}
}  // namespace

TEST_CASE("ETA is unknown before any measurement", "[jobs][eta]") {
    EtaEstimator eta;
    CHECK_FALSE(eta.hasData());
    CHECK(eta.estimate(cost(512, 640, 25)) < 0);
    CHECK(eta.estimateQueue({cost(512, 640, 25)}, 0) < 0);
}

TEST_CASE("ETA of the next jobs and of the queue within 30% on a steady workload", "[jobs][eta]") {
    const std::vector<JobCost> kinds = {cost(512, 640, 25), cost(768, 768, 20, 10), cost(256, 256, 12)};
    std::mt19937 rng(5);
    std::normal_distribution<double> noise(0.0, 0.05);  // about 5 % jitter
    EtaEstimator eta;
    for (int i = 0; i < 5; ++i) {
        const JobCost& c = kinds[i % kinds.size()];
        eta.record(c, trueSeconds(c) * (1.0 + noise(rng)));
    }
    REQUIRE(eta.hasData());
    std::vector<JobCost> queue;
    double truth = 0;
    for (int i = 0; i < 9; ++i) {
        const JobCost& c = kinds[(i * 7 + 1) % kinds.size()];
        const double estimate = eta.estimate(c);
        CHECK(estimate == Approx(trueSeconds(c)).epsilon(0.30));
        queue.push_back(c);
        truth += trueSeconds(c);
    }
    CHECK(eta.estimateQueue(queue, 4.0) == Approx(truth + 4.0).epsilon(0.30));
    // A size never run borrows the fitted per-pixel rate.
    JobCost unseen = cost(1024, 1024, 20);
    CHECK(eta.estimate(unseen) == Approx(trueSeconds(unseen)).epsilon(0.30));
}

TEST_CASE("step measurements alone give an ETA, scaled to other sizes", "[jobs][eta]") {
    EtaEstimator eta;
    eta.recordStep(512, 512, 0.5);
    eta.recordStep(512, 512, 0.5);
    REQUIRE(eta.hasData());
    CHECK(eta.estimate(cost(512, 512, 10)) == Approx(5.0));
    CHECK(eta.estimate(cost(1024, 512, 10)) == Approx(10.0));  // twice the pixels
    EtaEstimator restored;
    restored.setRates(eta.rates());
    CHECK(restored.estimate(cost(512, 512, 4)) == Approx(2.0));
}

TEST_CASE("the ETA follows a machine that gets slower", "[jobs][eta]") {
    EtaEstimator eta;
    const std::vector<JobCost> kinds = {cost(512, 512, 20), cost(512, 768, 20)};
    for (int i = 0; i < 10; ++i) eta.record(kinds[i % 2], trueSeconds(kinds[i % 2]));
    for (int i = 0; i < 20; ++i) eta.record(kinds[i % 2], 2.0 * trueSeconds(kinds[i % 2]));
    CHECK(eta.estimate(kinds[0]) == Approx(2.0 * trueSeconds(kinds[0])).epsilon(0.30));
}

TEST_CASE("everything measured survives toJson / fromJson, overhead included", "[jobs][eta]") {
    EtaEstimator eta;
    const std::vector<JobCost> kinds = {cost(512, 512, 20), cost(512, 768, 30), cost(640, 640, 10)};
    for (int i = 0; i < 9; ++i) eta.record(kinds[i % 3], trueSeconds(kinds[i % 3]));
    eta.recordStep(512, 512, 0.02);
    EtaEstimator restored;
    restored.fromJson(nlohmann::json::parse(eta.toJson().dump()));
    for (const JobCost& c : {kinds[0], kinds[1], kinds[2], cost(1024, 1024, 20)})
        CHECK(restored.estimate(c) == Approx(eta.estimate(c)));
    // Only the rates (the old persistence) lose the fixed cost of a job of an unmeasured size.
    EtaEstimator ratesOnly;
    ratesOnly.setRates(eta.rates());
    CHECK(ratesOnly.estimate(kinds[1]) < eta.estimate(kinds[1]));
    // Damaged or foreign settings start from nothing instead of failing.
    EtaEstimator damaged;
    damaged.fromJson(nlohmann::json::parse(R"({"rates": {"abc": 1, "-5": 2, "100": "x"}, "fit": [1, 2]})"));
    CHECK_FALSE(damaged.hasData());
}
