// Runs bench/eager_unet.py (PyTorch eager, same architecture and weights) for `bench --eager`.
#include <cstdio>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "bench_table.h"
#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"

namespace chiaro::cli {
namespace {

// POSIX shell single-quoting: 'it'\''s'.
std::string shellQuote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

}  // namespace

std::vector<double> runEagerUnet(const BenchOptions& options) {
    std::string cmd = shellQuote(options.python) + " " + shellQuote(options.eagerScript) + " --json --bundle " +
                      shellQuote(options.modelsDir) + " --threads " + std::to_string(options.threads) +
                      " --repeats " + std::to_string(options.repeats);
    for (const BenchSize& s : options.unetSizes) {
        cmd += " --size " + std::to_string(s.width) + "x" + std::to_string(s.height);
    }
    core::namedLogger("cli")->debug("bench: {}", cmd);
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
    if (!pipe) throw core::Error(core::ErrorCode::Failure, options.eagerScript + ": cannot start " + options.python);
    std::string output;
    char buf[512];
    while (std::fgets(buf, sizeof(buf), pipe.get())) output += buf;
    const int status = pclose(pipe.release());
    if (status != 0) {
        throw core::Error(core::ErrorCode::Failure,
                          options.eagerScript + ": PyTorch eager run failed (exit status " + std::to_string(status) + ")");
    }
    std::vector<double> ms;
    std::istringstream lines(output);
    for (std::string line; std::getline(lines, line);) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        if (!j.is_discarded() && j.contains("seconds")) ms.push_back(j["seconds"].get<double>() * 1e3);
    }
    if (ms.size() != options.unetSizes.size()) {
        throw core::Error(core::ErrorCode::Failure, options.eagerScript + ": unexpected output: " + output);
    }
    return ms;
}

}  // namespace chiaro::cli
