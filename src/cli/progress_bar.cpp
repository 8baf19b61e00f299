#include "progress_bar.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace chiaro::cli {

ProgressBar::ProgressBar() : m_enabled(::isatty(STDERR_FILENO) == 1) {}

void ProgressBar::update(int step, int total, double elapsedSeconds, double etaSeconds) {
    if (!m_enabled || total <= 0) return;
    constexpr int kWidth = 30;
    const int filled = step * kWidth / total;
    std::string bar(static_cast<size_t>(filled), '#');
    bar.append(static_cast<size_t>(kWidth - filled), '.');
    std::fprintf(stderr, "\r[%s] %d/%d  %.1f s  ETA %.1f s ", bar.c_str(), step, total, elapsedSeconds, etaSeconds);
    std::fflush(stderr);
    m_drawn = true;
}

void ProgressBar::updateFraction(double fraction, const std::string& message) {
    if (!m_enabled) return;
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(std::min(1.0, std::max(0.0, fraction)) * kWidth);
    std::string bar(static_cast<size_t>(filled), '#');
    bar.append(static_cast<size_t>(kWidth - filled), '.');
    // \033[K clears what a longer message left on the line.
    std::fprintf(stderr, "\r[%s] %3d%%  %.50s\033[K", bar.c_str(), static_cast<int>(fraction * 100 + 0.5),
                 message.c_str());
    std::fflush(stderr);
    m_drawn = true;
}

void ProgressBar::finish() {
    if (m_drawn) std::fputc('\n', stderr);
    m_drawn = false;
}

}  // namespace chiaro::cli
