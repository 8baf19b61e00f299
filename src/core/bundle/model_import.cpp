// The import's plan (staging folder, exporter argument lists), the exporter's output lines, and the
// commit of the exported bundles into the model folder (see model_import.h for the layout).
#include "chiaro/bundle/model_import.h"

#include <stdlib.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "chiaro/bundle/bundle_check.h"
#include "chiaro/bundle/bundle_manifest.h"
#include "chiaro/bundle/model_set.h"
#include "chiaro/core/atomic_file.h"
#include "chiaro/core/logging.h"

namespace chiaro::core {
namespace {

namespace fs = std::filesystem;

std::string absolutePath(const std::string& path) {
    if (path.empty()) return path;
    fs::path p = fs::absolute(path).lexically_normal();
    return (p.has_filename() ? p : p.parent_path()).string();
}

std::string makeStagingDir(const std::string& outDir) {
    std::error_code ec;
    fs::create_directories(outDir, ec);
    if (ec) throw Error(ErrorCode::Failure, "cannot create " + outDir + ": " + ec.message());
    std::string name = outDir + "/.chiaro-import-XXXXXX";
    if (!::mkdtemp(name.data())) {
        throw Error(ErrorCode::Failure, "cannot create a folder in " + outDir + ": " + std::strerror(errno));
    }
    return name;
}

std::string trimmed(const std::string& text) {
    const size_t begin = text.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos) return {};
    return text.substr(begin, text.find_last_not_of(" \t\r\n") - begin + 1);
}

// A bundle moved into OUT/<variant>; `backup` holds the bundle it replaced (empty: there was none).
struct Placed {
    std::string variant, dir, backup;
};

void rollBack(const std::vector<Placed>& placed) noexcept {
    for (const Placed& p : placed) {
        std::error_code ec;
        fs::remove_all(p.dir, ec);
        if (!p.backup.empty()) fs::rename(p.backup, p.dir, ec);
        if (ec) namedLogger("core")->error("import: could not restore {}: {}", p.dir, ec.message());
    }
}

Placed placeBundle(const ImportPlan& plan, const ExportStep& step) {
    const BundleManifest manifest = readBundleManifest(step.stagingDir);  // throws ModelBundle
    if (manifest.variant != step.variant) {
        throw Error(ErrorCode::ModelBundle, step.stagingDir + ": the exporter made an " + manifest.variant +
                                                " bundle from an " + step.variant + " IC-Light file");
    }
    Placed placed{step.variant, plan.outDir + "/" + step.variant, ""};
    if (fs::exists(placed.dir)) {
        placed.backup = plan.stagingDir + "/previous-" + step.variant;
        fs::rename(placed.dir, placed.backup);
    }
    try {
        fs::rename(step.stagingDir, placed.dir);
    } catch (...) {
        if (!placed.backup.empty()) fs::rename(placed.backup, placed.dir);
        throw;
    }
    return placed;
}

// pair.json: the new bundles, plus an existing partner exported from the same base.
void writePairFile(const ImportPlan& plan, const std::vector<Placed>& placed, const std::string& path) {
    nlohmann::json pair = {{"format", "chiaro-model-set"}, {"format_version", 1}};
    nlohmann::json bundles = nlohmann::json::object();
    std::ifstream in(path);
    if (in) {
        const nlohmann::json old = nlohmann::json::parse(in, nullptr, false);
        if (old.is_object() && old.contains("bundles") && old["bundles"].is_object()) bundles = old["bundles"];
    }
    const std::string base = absolutePath(plan.request.base);
    for (auto it = bundles.begin(); it != bundles.end();) {
        const bool sameBase = it->is_object() && it->value("base", std::string()) == base;
        it = sameBase ? std::next(it) : bundles.erase(it);
    }
    for (const Placed& p : placed) bundles[p.variant] = {{"path", p.variant}, {"base", base}};
    pair["bundles"] = bundles;
    writeFileAtomic(path, pair.dump(2) + "\n");
}

}  // namespace

std::vector<std::string> exporterArguments(const ExporterLocation& exporter, const ImportRequest& request,
                                           size_t iclightIndex, const std::string& out, bool progress) {
    std::vector<std::string> args = {exporter.script,
                                     "--base", absolutePath(request.base),
                                     "--iclight", absolutePath(request.iclight.at(iclightIndex)),
                                     "--out", out};
    if (!request.vocab.empty()) args.insert(args.end(), {"--vocab", absolutePath(request.vocab)});
    if (!request.segmenter.empty() && iclightIndex == 0) {
        args.insert(args.end(), {"--segmenter", absolutePath(request.segmenter)});
    }
    if (!request.vae.empty()) args.insert(args.end(), {"--vae", absolutePath(request.vae)});
    for (const ImportLora& lora : request.loras) {
        // Always with the strength: the exporter splits on the last colon, so a path holding one
        // (or a drive letter) stays intact. %.17g round-trips the double exactly.
        char strength[32];
        std::snprintf(strength, sizeof strength, "%.17g", lora.strength);
        args.insert(args.end(), {"--lora", absolutePath(lora.path) + ":" + strength});
    }
    if (progress) args.push_back("--progress");
    return args;
}

ImportPlan planImport(const ImportRequest& request, const ExporterLocation& exporter, bool progress) {
    const std::vector<std::string> variants = checkImportInputs(request);
    ImportPlan plan;
    plan.request = request;
    plan.exporter = exporter;
    plan.outDir = absolutePath(request.outDir);
    plan.stagingDir = makeStagingDir(plan.outDir);
    for (size_t i = 0; i < variants.size(); ++i) {
        ExportStep step;
        step.variant = variants[i];
        step.stagingDir = plan.stagingDir + "/" + variants[i];
        step.argv = exporterArguments(exporter, request, i, step.stagingDir, progress);
        step.argv.insert(step.argv.begin(), exporter.python);
        plan.steps.push_back(std::move(step));
    }
    namedLogger("core")->info("import: {} export(s) into {} (exporter: {}, {})", plan.steps.size(),
                              plan.outDir, exporter.script, exporter.origin);
    return plan;
}

std::optional<ExportProgress> parseProgressLine(const std::string& line) {
    static const std::string kTag = "PROGRESS ";
    if (line.rfind(kTag, 0) != 0) return std::nullopt;
    const char* start = line.c_str() + kTag.size();
    char* end = nullptr;
    const double fraction = std::strtod(start, &end);
    if (end == start || !std::isfinite(fraction) || (*end != '\0' && *end != ' ' && *end != '\r')) {
        return std::nullopt;
    }
    return ExportProgress{std::min(1.0, std::max(0.0, fraction)), trimmed(end)};
}

double importFraction(size_t step, size_t steps, double fraction) {
    constexpr double kExportShare = 0.95;
    if (steps == 0) return 0.0;
    const double clamped = std::min(1.0, std::max(0.0, fraction));
    return kExportShare * (static_cast<double>(std::min(step, steps)) + clamped) / static_cast<double>(steps);
}

std::string exporterErrorMessage(const std::string& stderrText, int exitCode) {
    std::istringstream lines(stderrText);
    std::string errorLine, toolLine, lastLine;
    for (std::string line; std::getline(lines, line);) {
        line = trimmed(line);
        if (line.empty()) continue;
        if (line.rfind("error: ", 0) == 0) {
            errorLine = line.substr(7);
            if (errorLine.rfind("export.py: ", 0) == 0) errorLine = errorLine.substr(11);
        }
        else if (line.rfind("export.py: ", 0) == 0) toolLine = line.substr(11);
        lastLine = line;
    }
    if (!errorLine.empty()) return errorLine;
    if (!toolLine.empty()) return toolLine;
    if (!lastLine.empty()) return "the exporter failed: " + lastLine;
    return "the exporter failed with exit code " + std::to_string(exitCode);
}

std::string exportFailureMessage(const ImportPlan& plan, size_t step, const std::string& stderrText,
                                 int exitCode) {
    std::string message = exporterErrorMessage(stderrText, exitCode);
    const std::string staged = plan.steps.at(step).stagingDir;
    const std::string final = plan.outDir + "/" + plan.steps[step].variant;
    for (size_t at; (at = message.find(staged)) != std::string::npos;) message.replace(at, staged.size(), final);
    return message;
}

ErrorCode exporterErrorCode(int exitCode) {
    return exitCode == 2 || exitCode == 3 ? ErrorCode::BadInput : ErrorCode::Failure;
}

ImportResult finishImport(const ImportPlan& plan, const LoadOptions& options) {
    std::vector<Placed> placed;
    ImportResult result;
    result.outDir = plan.outDir;
    result.pairFile = plan.outDir + "/" + kPairFileName;
    try {
        for (const ExportStep& step : plan.steps) placed.push_back(placeBundle(plan, step));
        for (const Placed& p : placed) {
            const BundleCheckReport report = checkBundle(p.dir, options);
            if (!report.ok) throw Error(ErrorCode::ModelBundle, "the new bundle fails verification: " + report.summary);
            result.bundles.push_back({p.variant, p.dir, readBundleManifest(p.dir).hasSegmenter(), report.summary});
        }
        writePairFile(plan, placed, result.pairFile);
    } catch (const Error&) {
        rollBack(placed);
        abandonImport(plan);
        throw;
    } catch (const std::exception& e) {
        rollBack(placed);
        abandonImport(plan);
        throw Error(ErrorCode::Failure, std::string("import into ") + plan.outDir + ": " + e.what());
    }
    abandonImport(plan);  // the replaced bundles, now that the new ones are verified
    namedLogger("core")->info("import: {} bundle(s) in {}", result.bundles.size(), plan.outDir);
    return result;
}

void abandonImport(const ImportPlan& plan) noexcept {
    if (plan.stagingDir.empty()) return;
    std::error_code ec;
    fs::remove_all(plan.stagingDir, ec);
    if (ec) namedLogger("core")->warn("import: cannot remove {}: {}", plan.stagingDir, ec.message());
}

}  // namespace chiaro::core
