#pragma once
// A one-line progress bar on stderr when it is a terminal (silent otherwise, so logs stay clean).
#include <string>

namespace chiaro::cli {

class ProgressBar {
public:
    ProgressBar();
    void update(int step, int total, double elapsedSeconds, double etaSeconds);
    void finish();

private:
    bool m_enabled;
    bool m_drawn = false;
};

}  // namespace chiaro::cli
