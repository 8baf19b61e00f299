#include "chiaro/bundle/bundle_check.h"

#include "chiaro/core/logging.h"
#include "module_checks.h"

namespace chiaro::core {
namespace {

void addCheck(BundleCheckReport& report, const std::string& name, const std::string& problem,
              ErrorCode code) {
    report.checks.emplace_back(name, problem.empty() ? "ok" : problem);
    if (!problem.empty() && report.ok) {
        report.ok = false;
        report.code = code;
        report.summary = problem;
    }
}

void checkFiles(BundleCheckReport& report, const BundleManifest& manifest, const LoadOptions& options,
                std::vector<std::string>& failedFiles) {
    if (!options.verify) {
        report.checks.emplace_back("files", "skipped (verification off)");
        return;
    }
    BundleVerification verification = verifyBundleFiles(manifest, options.verifyOptions);
    report.files = verification.files;
    report.filesFromCache = verification.fromCache;
    for (const auto& file : verification.files) {
        if (!file.ok) failedFiles.push_back(file.name);
    }
    std::string problem = verification.problemMessage(manifest);
    if (failedFiles.size() > 1) problem += " (and " + std::to_string(failedFiles.size() - 1) + " more)";
    addCheck(report, "files", problem, ErrorCode::ModelBundle);
}

std::string okSummary(const BundleManifest& manifest, const BundleCheckReport& report) {
    size_t modules = 0;
    for (const auto& [name, verdict] : report.checks) {
        modules += name != "manifest" && name != "files" && name != "device" ? 1 : 0;
    }
    return "OK: " + manifest.variant + " bundle, " + std::to_string(report.files.size()) +
           " files verified, " + std::to_string(modules) + " modules probed on " + report.device;
}

}  // namespace

BundleCheckReport checkBundle(const std::string& dir, const LoadOptions& options) {
    BundleCheckReport report;
    report.ok = true;
    BundleManifest manifest;
    try {
        manifest = readBundleManifest(dir);
    } catch (const Error& e) {
        addCheck(report, "manifest", e.what(), ErrorCode::ModelBundle);
        return report;
    }
    report.variant = manifest.variant;
    addCheck(report, "manifest", "", ErrorCode::Ok);
    std::vector<std::string> failedFiles;
    checkFiles(report, manifest, options, failedFiles);
    ModuleCheckResult modules = checkBundleModules(manifest, options, failedFiles);
    report.device = modules.device;
    for (const auto& check : modules.checks) addCheck(report, check.name, check.problem, check.code);
    if (report.ok) report.summary = okSummary(manifest, report);
    coreLog().debug("{}: check {}", manifest.dir, report.ok ? "passed" : "failed");
    return report;
}

}  // namespace chiaro::core
