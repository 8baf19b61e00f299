#include "chiaro/core/logging.h"

#include <mutex>
#include <vector>

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace chiaro::core {
namespace {

std::mutex g_mutex;
std::vector<spdlog::sink_ptr> g_sinks;

std::vector<spdlog::sink_ptr>& sinksLocked() {
    if (g_sinks.empty()) {
        auto console = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
        console->set_level(spdlog::level::warn);
        console->set_pattern("%^[%n %l]%$ %v");
        g_sinks.push_back(console);
    }
    return g_sinks;
}

}  // namespace

std::shared_ptr<spdlog::logger> namedLogger(const std::string& name) {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (auto existing = spdlog::get(name)) {
        return existing;
    }
    auto& sinks = sinksLocked();
    auto logger = std::make_shared<spdlog::logger>(name, sinks.begin(), sinks.end());
    logger->set_level(spdlog::level::debug);
    spdlog::register_logger(logger);
    return logger;
}

void setupLogging(const LogOptions& options) {
    {
        std::lock_guard<std::mutex> lock(g_mutex);
        auto& sinks = sinksLocked();
        auto level = options.verbose ? spdlog::level::debug
                     : options.quiet ? spdlog::level::err
                                     : spdlog::level::warn;
        sinks.front()->set_level(level);
        if (!options.logFilePath.empty() && sinks.size() == 1) {
            try {
                constexpr size_t kMaxBytes = 5 * 1024 * 1024;
                auto file = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
                    options.logFilePath, kMaxBytes, 3);
                file->set_level(spdlog::level::debug);
                file->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%n] [%l] [thread %t] %v");
                sinks.push_back(file);
            } catch (const spdlog::spdlog_ex& e) {
                // A read-only home must not stop the app: log to the console only.
                sinks.front()->log(spdlog::details::log_msg(
                    "core", spdlog::level::warn,
                    std::string("cannot open log file: ") + e.what()));
            }
        }
        // Loggers made before setup keep their own copy of the sink list: rebuild them.
        spdlog::apply_all([&](std::shared_ptr<spdlog::logger> logger) {
            logger->sinks() = sinks;
        });
    }
    namedLogger("core");
    namedLogger(options.programName)->debug("logging ready");
}

spdlog::logger& coreLog() {
    static std::shared_ptr<spdlog::logger> logger = namedLogger("core");
    return *logger;
}

}  // namespace chiaro::core
