#include "chiaro/core/paths.h"

#include <cstdlib>
#include <thread>

namespace chiaro::core {

std::string userDataDir() {
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) {
        return std::string(xdg) + "/chiaro";
    }
    if (const char* home = std::getenv("HOME"); home && *home) {
        return std::string(home) + "/.local/share/chiaro";
    }
    return ".chiaro";
}

std::string defaultModelsDir() {
    if (const char* env = std::getenv("CHIARO_MODELS"); env && *env) {
        return env;
    }
    return userDataDir() + "/models";
}

int hardwareThreads() {
    unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : static_cast<int>(n);
}

}  // namespace chiaro::core
