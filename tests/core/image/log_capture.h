#pragma once
// Test helper: captures what the core logger says while alive (formatted lines, newest 64).
#include <algorithm>
#include <memory>
#include <string>

#include <spdlog/sinks/ringbuffer_sink.h>

#include "chiaro/core/logging.h"

namespace chiaro::test {

class LogCapture {
  public:
    LogCapture() : m_sink(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(64)) {
        core::coreLog().sinks().push_back(m_sink);
    }
    ~LogCapture() {
        auto& sinks = core::coreLog().sinks();
        sinks.erase(std::remove(sinks.begin(), sinks.end(), m_sink), sinks.end());
    }
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;

    std::string text() const {
        std::string all;
        for (const auto& line : m_sink->last_formatted())
            all += line;
        return all;
    }
    // Lines at warning level or above.
    int warnings() const {
        int count = 0;
        for (const auto& message : m_sink->last_raw())
            count += message.level >= spdlog::level::warn;
        return count;
    }

  private:
    std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> m_sink;
};

}  // namespace chiaro::test
