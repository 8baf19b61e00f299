#include "loaded_bundle.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>

#include <torch/torch.h>

#include "chiaro/bundle/bundle_verify.h"
#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"
#include "chiaro/pipeline/compute_threads.h"
#include "module_checks.h"
#include "module_probe.h"
#include "probe_memo.h"
#include "pipeline/chiaro_ops.h"

namespace chiaro::core {
namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// TorchScript archives are zip files; anything else (a pickle, an HTML error page saved as .pt)
// is refused before LibTorch sees it.
bool hasZipHeader(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    char magic[4] = {};
    in.read(magic, 4);
    return in.gcount() == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
}

torch::jit::Module loadModule(const BundleManifest& manifest, const std::string& name,
                              const ComputeTarget& target) {
    const std::string& file = manifest.files.at(name).path;
    const std::string path = manifest.filePath(name);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        throw Error(ErrorCode::ModelBundle, file + ": missing");
    }
    if (!hasZipHeader(path)) {
        throw Error(ErrorCode::ModelBundle, file + ": not a TorchScript archive (no zip header)");
    }
    ensureChiaroOpsRegistered();  // exported UNets call chiaro::attention and chiaro::geglu
    torch::jit::Module module;
    try {
        module = torch::jit::load(path, torch::Device(torch::kCPU));
    } catch (const std::exception& e) {
        throw Error(ErrorCode::ModelBundle,
                    file + ": not a TorchScript archive (" + torchErrorSummary(e) + ")");
    }
    if (!module.find_method("forward")) {
        throw Error(ErrorCode::ModelBundle, file + ": the TorchScript module has no forward()");
    }
    module.eval();
    try {
        module.to(target.device, moduleDtype(name, target));
    } catch (const std::exception& e) {
        throw Error(ErrorCode::ModelBundle, file + ": cannot move to " + target.describe() + " (" +
                                                torchErrorSummary(e) + ")");
    }
    return module;
}

// CPU only: freeze (weights become graph constants) and run LibTorch's inference passes, which
// pre-pack convolution weights for oneDNN and fold/fuse what they can. Done after the dtype cast
// and the probe, in memory only: a frozen module can no longer be cast or moved (the reason the
// exporter does not freeze), but here it no longer needs to be. On failure the module stays as is.
torch::jit::Module optimizeForCpu(torch::jit::Module module, const std::string& file) {
    auto start = Clock::now();
    try {
        torch::jit::Module optimized = torch::jit::optimize_for_inference(module);
        coreLog().debug("{}: frozen and optimised for CPU inference in {:.3f} s", file, secondsSince(start));
        return optimized;
    } catch (const std::exception& e) {
        coreLog().warn("{}: CPU inference optimisation failed, running it unoptimised ({})", file,
                       torchErrorSummary(e));
        return module;
    }
}

// Probes the module unless `memo` says this very file already passed on this target.
void probeUnlessRemembered(const BundleManifest& manifest, const std::string& name,
                           torch::jit::Module& module, const ComputeTarget& target, ProbeMemo* memo) {
    const std::string& file = manifest.files.at(name).path;
    if (memo && memo->passed(name)) {
        coreLog().debug("{}: probe skipped (passed before on {}, files unchanged)", file, target.describe());
        return;
    }
    auto start = Clock::now();
    try {
        probeModule(name, module, manifest, target);
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {  // e.g. out of device memory while preparing the probe
        throw Error(ErrorCode::ModelBundle, file + ": probe failed (" + torchErrorSummary(e) + ")");
    }
    if (memo) memo->remember(name);
    coreLog().debug("{}: probed in {:.3f} s on {}", file, secondsSince(start), target.describe());
}

torch::jit::Module loadAndProbe(const BundleManifest& manifest, const std::string& name,
                                const ComputeTarget& target, bool optimize = false, ProbeMemo* memo = nullptr) {
    auto start = Clock::now();
    torch::jit::Module module = loadModule(manifest, name, target);
    coreLog().debug("{}: loaded in {:.3f} s", manifest.files.at(name).path, secondsSince(start));
    probeUnlessRemembered(manifest, name, module, target, memo);
    if (optimize && target.device.is_cpu()) return optimizeForCpu(module, manifest.files.at(name).path);
    return module;
}

void applyThreads(const LoadOptions& options) {
    setComputeThreads(options.threads);
}

}  // namespace

std::vector<std::string> bundleModuleNames(const BundleManifest& manifest) {
    std::vector<std::string> names = {"text_encoder", "unet", "vae_encoder", "vae_decoder"};
    if (manifest.hasSegmenter()) names.push_back("segmenter");
    return names;
}

std::shared_ptr<LoadedBundle> loadBundle(const std::string& dir, const LoadOptions& options) {
    auto start = Clock::now();
    auto bundle = std::make_shared<LoadedBundle>();
    bundle->manifest = readBundleManifest(dir);
    const BundleManifest& manifest = bundle->manifest;
    if (options.verify) {
        BundleVerification verification = verifyBundleFiles(manifest, options.verifyOptions);
        if (!verification.ok) {
            throw Error(ErrorCode::ModelBundle, verification.problemMessage(manifest));
        }
    }
    ComputeTarget target = resolveComputeTarget(options);
    applyThreads(options);
    bundle->device = target.device;
    bundle->dtype = target.dtype;
    bundle->vaeDtype = target.vaeDtype;
    const bool optimize = options.optimizeCpu;
    ProbeMemo memo(manifest, options.verifyOptions, target.describe(), options.verify);
    bundle->textEncoder = loadAndProbe(manifest, "text_encoder", target, optimize, &memo);
    bundle->unet = loadAndProbe(manifest, "unet", target, optimize, &memo);
    bundle->vaeEncoder = loadAndProbe(manifest, "vae_encoder", target, optimize, &memo);
    bundle->vaeDecoder = loadAndProbe(manifest, "vae_decoder", target, optimize, &memo);
    coreLog().debug("{}: bundle ({}) loaded in {:.3f} s on {}", manifest.dir, manifest.variant,
                    secondsSince(start), target.describe());
    return bundle;
}

LoadedModule loadBundleModule(const std::string& dir, const std::string& name, const LoadOptions& options) {
    BundleManifest manifest = readBundleManifest(dir);
    if (!manifest.files.count(name)) {
        throw Error(ErrorCode::ModelBundle, manifest.dir + ": the bundle has no " + name);
    }
    if (options.verify) {
        // Verify just this file: a copy of the manifest that lists only it.
        BundleManifest single = manifest;
        single.files = {{name, manifest.files.at(name)}};
        BundleVerification verification = verifyBundleFiles(single, options.verifyOptions);
        if (!verification.ok) throw Error(ErrorCode::ModelBundle, verification.problemMessage(single));
    }
    ComputeTarget target = resolveComputeTarget(options);
    applyThreads(options);
    LoadedModule loaded;
    ProbeMemo memo(manifest, options.verifyOptions, target.describe(), options.verify);
    loaded.module = loadAndProbe(manifest, name, target, false, &memo);
    loaded.device = target.device;
    loaded.dtype = moduleDtype(name, target);
    return loaded;
}

ModuleCheckResult checkBundleModules(const BundleManifest& manifest, const LoadOptions& options,
                                     const std::vector<std::string>& skip) {
    ModuleCheckResult result;
    ComputeTarget target;
    try {
        target = resolveComputeTarget(options);
    } catch (const Error& e) {
        if (e.code() == ErrorCode::Usage) throw;
        result.checks.push_back({"device", e.what(), e.code()});
        return result;
    }
    applyThreads(options);
    result.device = target.describe();
    result.checks.push_back({"device", "", ErrorCode::Ok});
    for (const std::string& name : bundleModuleNames(manifest)) {
        if (std::find(skip.begin(), skip.end(), name) != skip.end()) {
            result.checks.push_back({name, "skipped: its file failed verification", ErrorCode::ModelBundle});
            continue;
        }
        try {
            loadAndProbe(manifest, name, target);
            result.checks.push_back({name, "", ErrorCode::Ok});
        } catch (const Error& e) {
            result.checks.push_back({name, e.what(), e.code()});
        } catch (const std::exception& e) {
            result.checks.push_back({name, manifest.files.at(name).path + ": " + torchErrorSummary(e),
                                     ErrorCode::ModelBundle});
        }
    }
    return result;
}

}  // namespace chiaro::core
