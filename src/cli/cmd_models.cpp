// chiaro-cli models check DIR: verifies a model bundle (manifest, every file's size and sha256, each
// TorchScript module's signature) and prints a verdict table. Exit 0 when the bundle is usable,
// 4 for any bundle problem, 2 for usage errors. LoRAs merged at export are listed after the verdict.
#include <cstdio>
#include <sstream>

#include <nlohmann/json.hpp>

#include "chiaro/bundle/bundle_check.h"
#include "chiaro/bundle/bundle_manifest.h"
#include "chiaro/core/error.h"
#include "cli_common.h"
#include "commands.h"

namespace chiaro::cli {
namespace {

using nlohmann::json;

std::string padded(const std::string& text, size_t width) {
    return text.size() >= width ? text + " " : text + std::string(width - text.size(), ' ');
}

std::string checkResult(const core::BundleCheckReport& report, const std::string& name) {
    for (const auto& [check, result] : report.checks) {
        if (check == name) return result;
    }
    return "";
}

// One row per file: size, checksum verdict and, for modules, the signature probe's verdict; the
// full text of every problem follows the table so the columns stay readable.
std::string textReport(const std::string& dir, const core::BundleCheckReport& report) {
    std::ostringstream out;
    out << "model bundle " << dir << (report.variant.empty() ? "" : " (" + report.variant + ")") << "\n";
    if (!report.device.empty()) out << "device: " << report.device << "\n";
    if (!report.files.empty()) {
        out << "\n" << padded("file", 24) << padded("bytes", 14) << padded("sha256", 10) << "signature"
            << (report.filesFromCache ? "   (checksums from the verification cache)" : "") << "\n";
        for (const auto& file : report.files) {
            std::string signature = checkResult(report, file.name);
            if (signature.empty()) signature = "-";
            else if (signature.rfind("skipped", 0) == 0) signature = "skipped";
            else if (signature != "ok") signature = "FAILED";
            out << padded(file.path, 24) << padded(std::to_string(file.bytes), 14)
                << padded(file.ok ? "ok" : "FAILED", 10) << signature << "\n";
        }
    }
    bool header = false;
    for (const auto& [name, result] : report.checks) {
        if (result == "ok" || result.rfind("skipped", 0) == 0) continue;
        out << (header ? "" : "\nproblems:\n") << "  " << name << ": " << result << "\n";
        header = true;
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

// The LoRAs merged into the bundle at export (manifest "loras"); none when the manifest is
// unreadable (the report already says why).
std::vector<core::BundleLora> mergedLoras(const std::string& dir) {
    try {
        return core::readBundleManifest(dir).loras;
    } catch (const core::Error&) {
        return {};
    }
}

std::string loraText(const std::vector<core::BundleLora>& loras) {
    std::ostringstream out;
    if (!loras.empty()) out << "\n\nLoRAs merged at export:";
    for (const auto& lora : loras) {
        out << "\n  " << lora.file << "  strength " << lora.strength << ", " << lora.format
            << (lora.fast ? ", few-step (fast)" : "");
    }
    return out.str();
}

json loraJson(const std::vector<core::BundleLora>& loras) {
    json out = json::array();
    for (const auto& lora : loras) {
        out.push_back({{"file", lora.file}, {"sha256", lora.sha256}, {"strength", lora.strength},
                       {"format", lora.format}, {"fast", lora.fast}});
    }
    return out;
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
    const std::vector<core::BundleLora> loras = mergedLoras(dir);
    if (parser.isSet("json")) {
        json out = jsonReport(dir, report);
        out["loras"] = loraJson(loras);
        printLine(out.dump(2));
    } else {
        printLine(textReport(dir, report) + loraText(loras));
    }
    if (!report.ok) std::fprintf(stderr, "chiaro-cli models: %s\n", report.summary.c_str());
    return report.ok ? 0 : static_cast<int>(report.code);
}

}  // namespace

int runModels(const Args& args) {
    if (!args.empty() && args[0] == "import") return runModelsImport(args);
    ArgParser parser("models", "Model bundle tools. `models check DIR` verifies a bundle: manifest, "
                               "each file's size and sha256 (cached), and each module's signature. "
                               "`models import BASE --iclight F --out DIR` exports bundles "
                               "(models import --help).");
    parser.addPositional("ACTION", "check | import");
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
                          "models: unknown action '" + action + "' (expected: check, import)");
    }
    return runCheck(parser);
}

}  // namespace chiaro::cli
