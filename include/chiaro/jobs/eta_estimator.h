#pragma once
// Estimates how long jobs take from measured step times, per output size. The cost of a UNet step
// grows with the pixel count, so a finished job is modelled as seconds = overhead + rate * work, with
// work = sum over passes of steps * pixels; overhead and rate come from a least-squares fit over
// recent jobs (older ones decay). Step times measured directly (recordStep) are kept per size bucket
// (exponential moving average) and take precedence for that size; a size never seen borrows the
// nearest bucket's rate scaled by pixel count. Not thread-safe: one owner thread.
#include <map>
#include <vector>

#include <nlohmann/json.hpp>

namespace chiaro::core {

struct JobCost {
    int width = 512;
    int height = 640;
    int steps = 25;         // first-pass sampler steps actually run (after img2img skipping)
    int highresSteps = 0;   // second-pass steps (0 = no high-resolution pass)
    int highresWidth = 0;
    int highresHeight = 0;
};

class EtaEstimator {
public:
    // One finished job: its cost description and wall seconds.
    void record(const JobCost& cost, double seconds);
    // One measured sampler step at a size (from progress callbacks).
    void recordStep(int width, int height, double secondsPerStep);
    bool hasData() const;
    // Seconds a job will take; negative when nothing has been measured yet.
    double estimate(const JobCost& cost) const;
    // Seconds for the remaining work: the running job's remaining fraction plus the queued jobs.
    double estimateQueue(const std::vector<JobCost>& queued, double runningRemainingSeconds) const;

    // For persistence (QSettings / the queue store): bucket key (pass pixels w*h) -> seconds per
    // step; includes the fitted rate of every size a finished job used. setRates() treats them as
    // measured.
    std::map<long long, double> rates() const;
    void setRates(const std::map<long long, double>& rates) { m_rate = rates; }

    // Everything measured (step rates and the fit of whole jobs, so the fixed cost of encoding,
    // decoding and the full-resolution output survives a restart too), for the queue file.
    // fromJson ignores what it cannot read (an older or damaged setting starts from nothing).
    nlohmann::json toJson() const;
    void fromJson(const nlohmann::json& json);

private:
    struct Fit {
        double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;  // decayed least-squares sums
        bool valid() const;                               // two distinct works seen
        double slope() const;
        double intercept() const;
    };
    double secondsPerStep(long long pixels) const;
    double overhead() const;
    std::map<long long, double> m_rate;  // pass pixels (w*h) -> measured seconds per step (EMA)
    Fit m_fit;                           // seconds vs work (pixel-steps) of finished jobs
    std::vector<long long> m_jobBuckets; // sizes finished jobs used (rates() reports them)
};

}  // namespace chiaro::core
