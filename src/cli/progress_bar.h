#pragma once
// A one-line progress bar on stderr when it is a terminal (silent otherwise, so logs stay clean).
#include <string>

namespace chiaro::cli {

class ProgressBar {
public:
    ProgressBar();
    void update(int step, int total, double elapsedSeconds, double etaSeconds);
    // A fraction (0..1) with a short message, for work counted in fractions (the model import).
    void updateFraction(double fraction, const std::string& message);
    void finish();

private:
    bool m_enabled;
    bool m_drawn = false;
};

}  // namespace chiaro::cli
