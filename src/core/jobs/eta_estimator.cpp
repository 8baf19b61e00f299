// ETA from measured work: a decayed least-squares line (seconds vs pixel-steps) over finished jobs,
// refined by per-size step times when the engine reports them.
#include "chiaro/jobs/eta_estimator.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <limits>

namespace chiaro::core {
namespace {

constexpr double kDecay = 0.9;    // weight of older jobs per new one (about 10 jobs of memory)
constexpr double kStepEma = 0.3;  // weight of a new step measurement

struct Pass {
    long long pixels;
    int steps;
};

std::vector<Pass> passesOf(const JobCost& c) {
    std::vector<Pass> passes;
    if (c.steps > 0)
        passes.push_back({static_cast<long long>(c.width) * c.height, c.steps});
    if (c.highresSteps > 0 && c.highresWidth > 0 && c.highresHeight > 0) {
        passes.push_back(
            {static_cast<long long>(c.highresWidth) * c.highresHeight, c.highresSteps});
    }
    return passes;
}

double workOf(const JobCost& c) {
    double work = 0;
    for (const Pass& p : passesOf(c))
        work += static_cast<double>(p.pixels) * p.steps;
    return work;
}

}  // namespace

bool EtaEstimator::Fit::valid() const {
    const double variance = n * sxx - sx * sx;
    return n > 0 && variance > 1e-9 * std::max(1.0, n * sxx);
}

double EtaEstimator::Fit::slope() const {
    if (n <= 0)
        return 0;
    if (!valid())
        return sx > 0 ? sy / sx : 0;  // one kind of job: proportional, no overhead
    return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

double EtaEstimator::Fit::intercept() const {
    return valid() ? (sy - slope() * sx) / n : 0.0;
}

void EtaEstimator::record(const JobCost& cost, double seconds) {
    const double work = workOf(cost);
    if (work <= 0 || !(seconds >= 0) || !std::isfinite(seconds))
        return;
    m_fit.n = m_fit.n * kDecay + 1;
    m_fit.sx = m_fit.sx * kDecay + work;
    m_fit.sy = m_fit.sy * kDecay + seconds;
    m_fit.sxx = m_fit.sxx * kDecay + work * work;
    m_fit.sxy = m_fit.sxy * kDecay + work * seconds;
    // Buckets with a stored rate (recordStep or restored with setRates) follow this job too: its
    // time minus the overhead, shared between the passes by their work.
    const double samplerSeconds = std::max(0.0, seconds - overhead());
    for (const Pass& p : passesOf(cost)) {
        if (std::find(m_jobBuckets.begin(), m_jobBuckets.end(), p.pixels) == m_jobBuckets.end()) {
            m_jobBuckets.push_back(p.pixels);
        }
        auto it = m_rate.find(p.pixels);
        if (it == m_rate.end())
            continue;
        const double implied =
            samplerSeconds * (static_cast<double>(p.pixels) * p.steps / work) / p.steps;
        it->second = (1 - kStepEma) * it->second + kStepEma * implied;
    }
}

void EtaEstimator::recordStep(int width, int height, double secondsPerStep) {
    if (width <= 0 || height <= 0 || !(secondsPerStep > 0) || !std::isfinite(secondsPerStep))
        return;
    const long long pixels = static_cast<long long>(width) * height;
    auto it = m_rate.find(pixels);
    if (it == m_rate.end())
        m_rate[pixels] = secondsPerStep;
    else
        it->second = (1 - kStepEma) * it->second + kStepEma * secondsPerStep;
}

bool EtaEstimator::hasData() const {
    return !m_rate.empty() || m_fit.n > 0;
}

double EtaEstimator::overhead() const {
    return std::max(0.0, m_fit.intercept());
}

// A negative overhead from the fit (noise) is clipped; the slope then carries the whole time.
double EtaEstimator::secondsPerStep(long long pixels) const {
    auto exact = m_rate.find(pixels);
    if (exact != m_rate.end())
        return exact->second;
    if (m_fit.n > 0)
        return std::max(0.0, m_fit.slope()) * static_cast<double>(pixels);
    if (m_rate.empty())
        return -1;
    // The nearest measured size (in log pixels), scaled linearly by pixel count.
    auto best = m_rate.begin();
    double bestDistance = std::numeric_limits<double>::max();
    for (auto it = m_rate.begin(); it != m_rate.end(); ++it) {
        const double d =
            std::abs(std::log(static_cast<double>(it->first) / static_cast<double>(pixels)));
        if (d < bestDistance)
            bestDistance = d, best = it;
    }
    return best->second * static_cast<double>(pixels) / static_cast<double>(best->first);
}

double EtaEstimator::estimate(const JobCost& cost) const {
    if (!hasData())
        return -1;
    double seconds = overhead();
    for (const Pass& p : passesOf(cost)) {
        const double rate = secondsPerStep(p.pixels);
        if (rate < 0)
            return -1;
        seconds += rate * p.steps;
    }
    return seconds;
}

double EtaEstimator::estimateQueue(const std::vector<JobCost>& queued,
                                   double runningRemainingSeconds) const {
    double total = std::max(0.0, runningRemainingSeconds);
    for (const JobCost& cost : queued) {
        const double seconds = estimate(cost);
        if (seconds < 0)
            return -1;
        total += seconds;
    }
    return total;
}

std::map<long long, double> EtaEstimator::rates() const {
    std::map<long long, double> out = m_rate;
    for (long long pixels : m_jobBuckets) {
        if (!out.count(pixels))
            out[pixels] = secondsPerStep(pixels);
    }
    return out;
}

nlohmann::json EtaEstimator::toJson() const {
    nlohmann::json rates = nlohmann::json::object();
    for (const auto& [pixels, seconds] : m_rate)
        rates[std::to_string(pixels)] = seconds;
    return {{"rates", rates},
            {"fit", {m_fit.n, m_fit.sx, m_fit.sy, m_fit.sxx, m_fit.sxy}},
            {"buckets", m_jobBuckets}};
}

void EtaEstimator::fromJson(const nlohmann::json& json) {
    *this = EtaEstimator();
    if (!json.is_object())
        return;
    const auto rates = json.value("rates", nlohmann::json::object());
    for (const auto& [key, value] : rates.items()) {
        char* end = nullptr;
        const long long pixels = std::strtoll(key.c_str(), &end, 10);
        if (end && *end == '\0' && pixels > 0 && value.is_number() && value.get<double>() > 0)
            m_rate[pixels] = value.get<double>();
    }
    const auto fit = json.value("fit", nlohmann::json::array());
    if (fit.is_array() && fit.size() == 5 &&
        std::all_of(fit.begin(), fit.end(), [](const auto& v) { return v.is_number(); })) {
        m_fit = {fit[0].get<double>(), fit[1].get<double>(), fit[2].get<double>(),
                 fit[3].get<double>(), fit[4].get<double>()};
    }
    for (const auto& bucket : json.value("buckets", nlohmann::json::array())) {
        if (bucket.is_number_integer() && bucket.get<long long>() > 0)
            m_jobBuckets.push_back(bucket.get<long long>());
    }
}

}  // namespace chiaro::core
