// chiaro-cli models import BASE --iclight F [--iclight F2] [--segmenter S] [--vae V]
//                          [--lora L[:STRENGTH]]... --out DIR:
// the app's Settings › Import… for scripts. The core plans the import (model_import.h); this file
// runs each export as a child process (no Qt), shows its progress on a terminal, and cancels on
// Ctrl+C without leaving a half bundle. Exit codes: 2 usage, 3 bad input file, 4 bundle problem,
// 5 cancelled, 1 anything else.
#include <cstdio>

#include <nlohmann/json.hpp>

#include "chiaro/bundle/model_import.h"
#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"
#include "child_process.h"
#include "cli_common.h"
#include "commands.h"
#include "progress_bar.h"

namespace chiaro::cli {
namespace {

using core::Error;
using core::ErrorCode;

core::ImportRequest requestFrom(const ArgParser& parser) {
    core::ImportRequest request;
    request.base = parser.positional(1);
    request.iclight = parser.values("iclight");
    request.segmenter = parser.valueOr("segmenter", "");
    request.vae = parser.valueOr("vae", "");
    request.vocab = parser.valueOr("vocab", "");
    request.outDir = parser.value("out");
    for (const std::string& spec : parser.values("lora")) request.loras.push_back(core::parseLoraSpec(spec));
    return request;
}

// Runs one export step; throws Error (and removes the staging folder) when it fails or is cancelled.
void runStep(const core::ImportPlan& plan, size_t index, ProgressBar& bar) {
    const core::ExportStep& step = plan.steps[index];
    auto log = core::namedLogger("cli");
    log->info("exporting the {} bundle: {}", step.variant, step.argv[1]);
    const ChildResult child = runChild(step.argv, [&](const std::string& line) {
        if (const auto progress = core::parseProgressLine(line)) {
            log->debug("export {}: {:.0f}% {}", step.variant, progress->fraction * 100, progress->message);
            bar.updateFraction(core::importFraction(index, plan.steps.size(), progress->fraction),
                               step.variant + ": " + progress->message);
        } else if (!line.empty()) {
            log->debug("exporter: {}", line);
        }
    });
    if (child.cancelled) {
        bar.finish();
        core::abandonImport(plan);
        throw Error(ErrorCode::Cancelled, "cancelled; nothing was changed in " + plan.outDir);
    }
    if (child.exitCode != 0) {
        bar.finish();
        log->debug("exporter stderr:\n{}", child.err);
        core::abandonImport(plan);
        if (child.signal != 0) {
            throw Error(ErrorCode::Failure, "the exporter was killed by signal " + std::to_string(child.signal));
        }
        throw Error(core::exporterErrorCode(child.exitCode),
                    core::exportFailureMessage(plan, index, child.err, child.exitCode));
    }
}

nlohmann::json resultJson(const core::ImportPlan& plan, const core::ImportResult& result) {
    nlohmann::json bundles = nlohmann::json::array();
    for (const auto& b : result.bundles) {
        bundles.push_back({{"variant", b.variant}, {"dir", b.dir}, {"segmenter", b.hasSegmenter},
                           {"verified", b.summary}});
    }
    return {{"ok", true},
            {"out", result.outDir},
            {"pair", result.pairFile},
            {"bundles", bundles},
            {"exporter", plan.exporter.script},
            {"exporter_origin", plan.exporter.origin},
            {"python", plan.exporter.python}};
}

}  // namespace

int runModelsImport(const Args& args) {
    ArgParser parser("models",
                     "Exports a base SD1.5 model and IC-Light file(s) into verified Chiaro bundles: "
                     "OUT/fc and/or OUT/fbc, paired by OUT/pair.json (the fbc one serves \"match "
                     "background\"). Runs models/export.py; an existing bundle is replaced only once "
                     "the new one is complete and verified; Ctrl+C leaves OUT as it was.");
    parser.addPositional("import", "the action");
    parser.addPositional("BASE", "diffusers SD1.5 folder or single-file .safetensors checkpoint");
    parser.addOption("iclight", "FILE", "IC-Light file (iclight_sd15_fc/fbc.safetensors); give it twice "
                                        "for an fc and an fbc bundle");
    parser.addOption("out", "DIR", "model folder to write (e.g. ~/.local/share/chiaro/models)");
    parser.addOption("segmenter", "FILE", "BriaRMBG-1.4 or BiRefNet model.safetensors (one-click subjects)");
    parser.addOption("vae", "FILE", "a replacement VAE for the base model");
    parser.addOption("vocab", "FILE", "CLIP vocabulary (default: BASE/tokenizer)");
    parser.addOption("lora", "FILE[:STRENGTH]", "merge a LoRA .safetensors (kohya, PEFT, diffusers, LoCon) "
                                                "into the bundles, strength -2..2 (default 1); repeatable");
    parser.addOption("device", "auto|cpu|cuda", "where the new bundle is verified", "auto");
    if (!parser.parse(args)) return printHelp(parser);
    applyCommonOptions(parser);
    const core::ImportRequest request = requestFrom(parser);
    const core::ExporterLocation exporter = core::locateExporter();
    const core::ImportPlan plan = core::planImport(request, exporter);
    ProgressBar bar;
    for (size_t i = 0; i < plan.steps.size(); ++i) runStep(plan, i, bar);
    bar.updateFraction(core::importFraction(plan.steps.size(), plan.steps.size(), 0.0), "verifying");
    core::LoadOptions options;
    options.device = parser.valueOr("device", "auto");
    const core::ImportResult result = core::finishImport(plan, options);
    bar.updateFraction(1.0, "done");
    bar.finish();
    if (parser.isSet("json")) {
        printLine(resultJson(plan, result).dump(2));
    } else {
        for (const auto& b : result.bundles) printLine(b.variant + " bundle: " + b.dir + " (" + b.summary + ")");
        printLine("pairing: " + result.pairFile);
    }
    return 0;
}

}  // namespace chiaro::cli
