// chiaro-cli batch IN_DIR -o OUT_DIR: relight a folder through the persistent job queue (issue #8).
// Plan (sorted, shard-filtered) -> queue file -> the queue executor (chiaro/jobs, batch_runner.cpp)
// -> summary. A queue with unfinished jobs is only continued (or joined, while other runners work
// on it) with --resume; see docs/BATCH.md.
#include <cmath>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "batch_runner.h"
#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"
#include "chiaro/image/image_io.h"
#include "chiaro/jobs/batch_plan.h"
#include "chiaro/jobs/batch_specs.h"
#include "chiaro/jobs/job_store.h"
#include "chiaro/jobs/contact_sheet.h"
#include "chiaro/pipeline/subject_segmenter.h"
#include "cli_common.h"
#include "commands.h"
#include "relight_options.h"

namespace chiaro::cli {
namespace {
namespace fs = std::filesystem;
using core::Error;
using core::ErrorCode;

struct BatchCli {
    RelightCliSettings settings;
    core::BatchOptions plan;
    std::string maskMethod = "none";  // automatic masks: grabcut | segmenter (resolved)
    std::string queuePath;
    bool resume = false;
    bool retryFailed = false;
    int leaseSeconds = 60;
    int maxAttempts = 3;
    bool json = false;
    std::string contactSheetPath;  // empty: none
};

void declareOptions(ArgParser& p) {
    p.addPositional("IN_DIR", "folder of photos");
    p.addOption("output", "OUT_DIR", "output folder (-o), created when missing");
    addRelightOptions(p);
    p.addOption("masks", "DIR",
                "look for <name>_mask.png (or <name>.png) here too (mask source match)");
    p.addOption("mask-source", "KIND",
                "none | match | single | grabcut | segmenter | auto "
                "(default: single with --mask, else match)");
    p.addOption("queue", "FILE", "queue file (default OUT_DIR/.chiaro-queue.sqlite)");
    p.addFlag("resume",
              "continue the unfinished jobs of the queue instead of planning again (also joins "
              "runners already working on it)");
    p.addFlag("retry-failed", "queue the queue's failed jobs again (implies --resume)");
    p.addOption("lease-seconds", "N",
                "how long a claimed job stays this runner's without a renewal (renewed every N/3 s)",
                "60");
    p.addOption("max-attempts", "N",
                "runs of a job that never finished (its runner died) before it is marked failed",
                "3");
    p.addOption("shard", "I/N", "process only shard I of N (1-based; stable split by file name)");
    p.addFlag("recursive", "include photos in sub-folders");
    p.addOption("name", "PATTERN", "output name: {name} {stem} {light} {seed} {index} {date}",
                "{name}_{light}_{seed}.png");
    p.addOption("sweep", "AZ,EL;AZ,EL;...", "one output per light direction");
    p.addOption("sweep-count", "N", "N lights evenly around the subject (elevation 0)");
    p.addFlag("no-skip-existing", "relight photos even when their output already exists");
    p.addFlag("contact-sheet", "write OUT_DIR/contact_sheet.png with every result at the end");
    p.addOption("contact-sheet-file", "FILE",
                "write the contact sheet here (implies --contact-sheet)");
}

std::vector<std::optional<core::LightDirection>> parseSweep(const ArgParser& p) {
    std::vector<std::optional<core::LightDirection>> lights;
    if (p.isSet("sweep") && p.isSet("sweep-count"))
        throw Error(ErrorCode::Usage, "use --sweep or --sweep-count, not both");
    if (p.isSet("sweep")) {
        std::string text = p.value("sweep");
        size_t start = 0;
        while (start <= text.size()) {
            const size_t end = std::min(text.find(';', start), text.size());
            const std::string part = text.substr(start, end - start);
            if (!part.empty())
                lights.emplace_back(core::parseLightDirection(part));
            start = end + 1;
        }
        if (lights.empty())
            throw Error(ErrorCode::Usage, "--sweep needs at least one AZ,EL");
    } else if (p.isSet("sweep-count")) {
        const int n = p.intValue("sweep-count", 0);
        if (n < 1 || n > 360)
            throw Error(ErrorCode::Usage, "--sweep-count must be 1..360");
        for (int i = 0; i < n; ++i)
            lights.emplace_back(core::LightDirection::normalized(360.0 * i / n, 0.0));
    }
    return lights;
}

// Which mask source, and for automatic ones which method runs (segmenter needs the bundle's model).
void resolveMaskSource(const ArgParser& p, BatchCli& cli) {
    bool autoFallback = false;
    core::BatchMaskSource source = core::BatchMaskSource::Matching;
    if (p.isSet("mask-source"))
        source = core::parseBatchMaskSource(p.value("mask-source"), &autoFallback);
    else if (!cli.settings.maskPath.empty())
        source = core::BatchMaskSource::Single;
    else if (cli.settings.autoMask != "none")
        source = core::parseBatchMaskSource(cli.settings.autoMask, &autoFallback);
    cli.plan.maskSource = source;
    cli.plan.singleMaskPath = cli.settings.maskPath;
    if (source == core::BatchMaskSource::GrabCut)
        cli.maskMethod = "grabcut";
    if (source != core::BatchMaskSource::Segmenter)
        return;
    const bool hasSegmenter = core::SubjectSegmenter::bundleHasSegmenter(cli.settings.modelsDir);
    if (hasSegmenter) {
        cli.maskMethod = "segmenter";
    } else if (autoFallback) {
        core::namedLogger("cli")->info("{} has no segmenter.pt: automatic masks use GrabCut",
                                       cli.settings.modelsDir);
        cli.plan.maskSource = core::BatchMaskSource::GrabCut;
        cli.maskMethod = "grabcut";
    } else {
        throw Error(
            ErrorCode::ModelBundle,
            cli.settings.modelsDir + ": --mask-source segmenter needs a bundle with segmenter.pt");
    }
}

BatchCli parseOptions(const ArgParser& p) {
    BatchCli cli;
    cli.settings = parseRelightOptions(p);
    if (cli.settings.lightFromBackground)  // one background for the whole batch: one rig
        applyLightFromBackground(cli.settings, core::loadImageRgb(cli.settings.backgroundPath));
    cli.plan.inputDir = p.positional(0);
    cli.plan.outputDir = p.value("output");
    cli.plan.recursive = p.isSet("recursive");
    cli.plan.namePattern = p.value("name");
    cli.plan.maskDir = p.valueOr("masks", "");
    cli.plan.lights = parseSweep(p);
    cli.plan.skipExisting = !p.isSet("no-skip-existing");
    if (p.isSet("shard"))
        core::parseShard(p.value("shard"), cli.plan.shardIndex, cli.plan.shardCount);
    std::error_code ec;
    if (!fs::is_directory(cli.plan.inputDir, ec))
        throw Error(ErrorCode::BadInput, cli.plan.inputDir + ": no such folder");
    resolveMaskSource(p, cli);
    if (fs::exists(cli.plan.outputDir, ec) && fs::exists(cli.plan.inputDir, ec) &&
        fs::equivalent(cli.plan.outputDir, cli.plan.inputDir, ec)) {
        throw Error(ErrorCode::Usage,
                    cli.plan.outputDir + ": the output folder must not be the input folder");
    }
    const std::string queueName = cli.plan.shardCount > 1
                                      ? ".chiaro-queue-" + std::to_string(cli.plan.shardIndex + 1) +
                                            "of" + std::to_string(cli.plan.shardCount) + ".sqlite"
                                      : ".chiaro-queue.sqlite";
    cli.queuePath = p.valueOr("queue", (fs::path(cli.plan.outputDir) / queueName).string());
    cli.retryFailed = p.isSet("retry-failed");
    cli.resume = p.isSet("resume") || cli.retryFailed;
    cli.leaseSeconds = p.intValue("lease-seconds", 60);
    if (cli.leaseSeconds < 2 || cli.leaseSeconds > 86400)
        throw Error(ErrorCode::Usage, "--lease-seconds must be 2..86400");
    cli.maxAttempts = p.intValue("max-attempts", 3);
    if (cli.maxAttempts < 1 || cli.maxAttempts > 1000)
        throw Error(ErrorCode::Usage, "--max-attempts must be 1..1000");
    cli.json = p.isSet("json");
    if (p.isSet("contact-sheet-file"))
        cli.contactSheetPath = p.value("contact-sheet-file");
    else if (p.isSet("contact-sheet"))
        cli.contactSheetPath = (fs::path(cli.plan.outputDir) / "contact_sheet.png").string();
    return cli;
}

// Plans and writes the jobs (one transaction). Returns how many photos were skipped.
int enqueuePlan(jobs::JobStore& store, const BatchCli& cli) {
    const auto items =
        core::planBatch(cli.plan, cli.settings.job.light.direction, cli.settings.job.seed);
    jobs::BatchSpecOptions specOptions;
    specOptions.batchId = jobs::newBatchId();
    specOptions.bundleDir = fs::absolute(cli.settings.modelsDir).lexically_normal().string();
    if (!cli.settings.backgroundPath.empty())
        specOptions.backgroundPath = fs::absolute(cli.settings.backgroundPath).string();
    specOptions.maskMethod = cli.maskMethod;
    specOptions.bitDepth = cli.settings.bitDepth;
    std::vector<jobs::JobSpec> specs;
    int skipped = 0;
    for (const auto& item : items) {
        if (item.outputExists && cli.plan.skipExisting) {
            ++skipped;
            continue;
        }
        core::RelightJob job = cli.settings.job;
        if (item.light)
            job.light.direction = item.light;
        specs.push_back(jobs::batchJobSpec(item, job, specOptions));
    }
    // enqueueNew: a runner started at the same moment with the same plan has queued it already.
    const size_t added = store.enqueueNew(specs).size();
    core::namedLogger("cli")->info("planned {} job(s), skipped {} with existing output{}", added,
                                   skipped,
                                   added < specs.size() ? ", " + std::to_string(specs.size() - added) +
                                                              " already queued by another runner"
                                                        : std::string());
    return skipped;
}

std::string writeContactSheet(const jobs::JobStore& store, const std::string& path) {
    std::vector<core::ContactSheetEntry> entries;
    std::error_code ec;
    for (const auto& job : store.jobsInState(jobs::JobState::Done)) {
        if (fs::exists(job.spec.outputPath, ec))
            entries.push_back({job.spec.outputPath, job.spec.label});
    }
    if (entries.empty())
        return {};
    core::savePng(path, core::makeContactSheet(entries));
    return path;
}

int report(const BatchCli& cli, const jobs::ExecutorSummary& run, int skipped,
           const std::string& sheet) {
    if (cli.json) {
        nlohmann::json failed = nlohmann::json::array();
        for (const auto& f : run.failed)
            failed.push_back({{"input", f.input}, {"error", f.error}});
        printLine(nlohmann::json{
            {"done", run.done},
            {"failed", failed},
            {"skipped", skipped},
            {"cancelled", run.stopped},
            {"cancelled_jobs", run.cancelled},
            {"seconds", run.seconds},
            {"queue", cli.queuePath},
            {"outputs", run.outputs},
            {"contact_sheet", sheet.empty() ? nlohmann::json() : nlohmann::json(sheet)}}
                      .dump());
    } else {
        char line[160];
        std::snprintf(line, sizeof(line), "batch: %d done, %zu failed, %d skipped in %.1f s%s",
                      run.done, run.failed.size(), skipped, run.seconds,
                      run.stopped ? " (interrupted: --resume continues)" : "");
        printLine(line);
        for (const auto& f : run.failed)
            printLine("  failed: " + f.error);
        if (!sheet.empty())
            printLine("contact sheet: " + sheet);
    }
    if (run.stopped)
        return static_cast<int>(ErrorCode::Cancelled);
    return run.failed.empty() ? 0 : static_cast<int>(ErrorCode::Failure);
}

}  // namespace

int runBatch(const Args& args) {
    ArgParser parser("batch", "Relight a folder of photos through the persistent job queue.");
    declareOptions(parser);
    if (!parser.parse(args))
        return printHelp(parser);
    applyCommonOptions(parser);
    BatchCli cli = parseOptions(parser);

    std::error_code ec;
    fs::create_directories(cli.plan.outputDir, ec);
    if (!fs::is_directory(cli.plan.outputDir, ec)) {
        throw Error(ErrorCode::Failure, cli.plan.outputDir + ": cannot create the output folder");
    }
    jobs::StoreOptions storeOptions;
    storeOptions.maxAttempts = cli.maxAttempts;
    auto store = jobs::JobStore::open(cli.queuePath, storeOptions);
    if (!store->fileSystemWarning().empty())
        core::namedLogger("cli")->warn("{}", store->fileSystemWarning());
    if (cli.retryFailed) {
        const int again = store->retryFailed();
        core::namedLogger("cli")->info("{} failed job(s) queued again", again);
    }
    const int unfinished =
        store->count(jobs::JobState::Queued) + store->count(jobs::JobState::Running);
    if (unfinished > 0 && !cli.resume) {
        throw Error(ErrorCode::Usage,
                    cli.queuePath + ": " + std::to_string(unfinished) +
                        " unfinished job(s) from an earlier or a running batch; pass --resume to "
                        "continue them (or delete the queue file to start over)");
    }
    core::Engine engine;
    engine.load(cli.settings.modelsDir, cli.settings.engine);
    applyVariantDefaults(cli.settings, engine.variant());
    int skipped = 0;
    if (unfinished > 0) {
        core::namedLogger("cli")->info("resuming {} unfinished job(s) from {} (their options are kept)",
                                       unfinished, cli.queuePath);
    } else {
        skipped = enqueuePlan(*store, cli);
    }
    jobs::ExecutorOptions runOptions;
    runOptions.modelsDir = cli.settings.modelsDir;
    runOptions.engine = cli.settings.engine;
    runOptions.leaseSeconds = cli.leaseSeconds;
    runOptions.store = storeOptions;
    const jobs::ExecutorSummary run = runBatchQueue(*store, engine, runOptions);
    const std::string sheet = !run.stopped && !cli.contactSheetPath.empty()
                                  ? writeContactSheet(*store, cli.contactSheetPath)
                                  : std::string();
    return report(cli, run, skipped, sheet);
}

}  // namespace chiaro::cli
