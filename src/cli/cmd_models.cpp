// chiaro-cli models check DIR: verifies a model bundle (manifest, every file's size and sha256, each
// TorchScript module's signature) and prints a verdict table. Exit 0 when the bundle is usable,
// 4 for any bundle problem, 2 for usage errors.
#include <cstdio>
#include <sstream>

#include <nlohmann/json.hpp>

#include "chiaro/bundle/bundle_check.h"
#include "chiaro/core/error.h"
#include "cli_common.h"
#include "commands.h"

namespace chiaro::cli {
namespace {

using nlohmann::json;

std::string padded(const std::string& text, size_t width) {
    return text.size() >= width ? text + " " : text + std::string(width - text.size(), ' ');
}

std::string textReport(const std::string& dir, const core::BundleCheckReport& report) {
    std::ostringstream out;
    out << "model bundle " << dir << (report.variant.empty() ? "" : " (" + report.variant + ")") << "\n";
    if (!report.files.empty()) {
        out << "\n" << padded("file", 24) << padded("bytes", 14) << "sha256"
            << (report.filesFromCache ? " (cached verification)" : "") << "\n";
        for (const auto& file : report.files) {
            out << padded(file.path, 24) << padded(std::to_string(file.bytes), 14)
                << (file.ok ? "ok" : file.problem) << "\n";
        }
    }
    out << "\n" << padded("check", 24) << "result\n";
    for (const auto& [name, result] : report.checks) {
        std::string shown = result;
        if (name == "device" && result == "ok") shown = "ok: " + report.device;
        out << padded(name, 24) << shown << "\n";
    }
    out << "\n" << (report.ok ? "" : "FAILED: ") << report.summary;
    return out.str();
}

json jsonReport(const std::string& dir, const core::BundleCheckReport& report) {
    json files = json::array();
    for (const auto& f : report.files) {
        files.push_back({{"name", f.name}, {"path", f.path}, {"bytes", f.bytes}, {"ok", f.ok},
                         {"problem", f.problem}});
    }
    json checks = json::array();
    for (const auto& [name, result] : report.checks) {
        checks.push_back({{"name", name}, {"ok", result == "ok"}, {"result", result}});
    }
    return {{"bundle", dir},
            {"ok", report.ok},
            {"exit_code", static_cast<int>(report.code)},
            {"error", report.ok ? "" : core::errorCodeName(report.code)},
            {"summary", report.summary},
            {"variant", report.variant},
            {"device", report.device},
            {"files_from_cache", report.filesFromCache},
            {"files", files},
            {"checks", checks}};
}

int runCheck(const ArgParser& parser) {
    const std::string dir = parser.positional(1);
    core::LoadOptions options;
    options.device = parser.valueOr("device", "auto");
    options.precision = parser.valueOr("precision", "auto");
    options.verifyOptions.useCache = !parser.isSet("no-cache");
    options.threads = parser.intValue("threads", 0);
    if (options.threads < 0) throw core::Error(core::ErrorCode::Usage, "models: --threads must be >= 0");
    core::BundleCheckReport report = core::checkBundle(dir, options);
    printLine(parser.isSet("json") ? jsonReport(dir, report).dump(2) : textReport(dir, report));
    if (!report.ok) std::fprintf(stderr, "chiaro-cli models: %s\n", report.summary.c_str());
    return report.ok ? 0 : static_cast<int>(report.code);
}

}  // namespace

int runModels(const Args& args) {
    ArgParser parser("models", "Model bundle tools. `models check DIR` verifies a bundle: manifest, "
                               "each file's size and sha256 (cached), and each module's signature.");
    parser.addPositional("ACTION", "check");
    parser.addPositional("DIR", "the model bundle folder");
    parser.addFlag("no-cache", "hash every file again, ignoring the verification cache");
    parser.addOption("device", "auto|cpu|cuda", "where to load the modules for the probe", "auto");
    parser.addOption("precision", "auto|fp32|fp16|bf16", "precision of the probe", "auto");
    parser.addOption("threads", "N", "CPU threads for LibTorch (0: all)", "0");
    if (!parser.parse(args)) return printHelp(parser);
    applyCommonOptions(parser);
    const std::string action = parser.positional(0);
    if (action != "check") {
        throw core::Error(core::ErrorCode::Usage,
                          "models: unknown action '" + action + "' (expected: check)");
    }
    return runCheck(parser);
}

}  // namespace chiaro::cli
