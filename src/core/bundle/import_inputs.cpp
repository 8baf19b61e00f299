// The checks `models import` makes before it starts the exporter, and where the exporter is. They
// read only safetensors headers and folder listings, so a wrong file is named in a second instead
// of after minutes of export.
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <set>

#include "chiaro/bundle/model_import.h"
#include "chiaro/bundle/safetensors_file.h"

#ifndef CHIARO_SOURCE_EXPORTER
#define CHIARO_SOURCE_EXPORTER ""
#endif

namespace chiaro::core {
namespace {

namespace fs = std::filesystem;

bool isFile(const fs::path& path) {
    std::error_code ec;
    return fs::is_regular_file(path, ec);
}

bool isDir(const fs::path& path) {
    std::error_code ec;
    return fs::is_directory(path, ec);
}

[[noreturn]] void bad(const std::string& path, const std::string& problem) {
    throw Error(ErrorCode::BadInput, path + ": " + problem);
}

std::string runningBinary() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : exe.string();
}

bool hasPrefix(const SafetensorsFile& file, const std::string& prefix) {
    for (const auto& name : file.names()) {
        if (name.rfind(prefix, 0) == 0) return true;
    }
    return false;
}

// A diffusers part folder: config.json plus safetensors weights (pickles are refused).
void checkDiffusersPart(const fs::path& base, const std::string& part, const std::string& weights) {
    const fs::path dir = base / part;
    if (!isDir(dir)) bad(base.string(), "incomplete diffusers model: no " + part + "/ folder");
    if (!isFile(dir / "config.json")) bad(dir.string(), "incomplete diffusers model: no config.json");
    if (isFile(dir / weights)) return;
    if (isFile(dir / (weights.substr(0, weights.rfind('.')) + ".bin"))) {
        bad(dir.string(), "only pickle weights (.bin): Chiaro reads .safetensors only (unsafe to load)");
    }
    bad(dir.string(), "incomplete diffusers model: no " + weights);
}

void checkBase(const std::string& base) {
    if (base.empty()) throw Error(ErrorCode::Usage, "the base model is required");
    const fs::path path(base);
    if (isDir(path)) {
        if (!isFile(path / "model_index.json")) {
            bad(base, "not a diffusers model folder (no model_index.json)");
        }
        checkDiffusersPart(path, "unet", "diffusion_pytorch_model.safetensors");
        checkDiffusersPart(path, "vae", "diffusion_pytorch_model.safetensors");
        checkDiffusersPart(path, "text_encoder", "model.safetensors");
        return;
    }
    if (!isFile(path)) bad(base, "base model not found");
    if (path.extension() == ".ckpt" || path.extension() == ".pt" || path.extension() == ".bin") {
        bad(base, "pickle checkpoints are refused (unsafe to load): use the .safetensors file");
    }
    const SafetensorsFile file = SafetensorsFile::open(base);  // truncated or not safetensors: BadInput
    if (file.contains("conv_in.weight") && !hasPrefix(file, "model.diffusion_model.")) {
        bad(base, "this is IC-Light offsets (a UNet only), not a base model: give it with --iclight");
    }
    if (hasPrefix(file, "lora_unet_") || hasPrefix(file, "lora_te_") || hasPrefix(file, "unet.")) {
        bad(base, "this is a LoRA, not a base model: give it with --lora");
    }
    if (!hasPrefix(file, "model.diffusion_model.")) {
        bad(base, "not a Stable Diffusion 1.5 checkpoint (no model.diffusion_model.* weights)");
    }
}

void checkOptionalFile(const std::string& path, const std::string& what) {
    if (path.empty()) return;
    const fs::path p(path);
    if (!isFile(p) && !isDir(p)) bad(path, what + " not found");
}

std::optional<double> parseNumber(const std::string& text) {
    if (text.empty()) return std::nullopt;
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size()) return std::nullopt;
    return value;
}

void checkLora(const ImportLora& lora) {
    checkLoraStrength(lora);
    const fs::path path(lora.path);
    if (isDir(path)) bad(lora.path, "is a folder: --lora takes a LoRA .safetensors file");
    if (!isFile(path)) bad(lora.path, "LoRA file not found");
    const std::string ext = path.extension().string();
    if (ext == ".ckpt" || ext == ".pt" || ext == ".pth" || ext == ".bin") {
        bad(lora.path, "this LoRA is a pickle (.ckpt/.pt/.bin), refused because loading it can run "
                       "arbitrary code: use its .safetensors version");
    }
    SafetensorsFile::open(lora.path);  // truncated or not safetensors: BadInput naming the file
}

}  // namespace

void checkLoraStrength(const ImportLora& lora) {
    if (!std::isfinite(lora.strength) || std::fabs(lora.strength) > kLoraStrengthLimit) {
        char text[32];
        std::snprintf(text, sizeof text, "%g", lora.strength);
        throw Error(ErrorCode::Usage, lora.path + ": LoRA strength " + text + " is outside -2..2");
    }
}

ImportLora parseLoraSpec(const std::string& spec) {
    const size_t colon = spec.rfind(':');
    if (colon == std::string::npos || colon == 0) return {spec, 1.0};
    const std::string head = spec.substr(0, colon), tail = spec.substr(colon + 1);
    if (const auto strength = parseNumber(tail)) {
        ImportLora lora{head, *strength};
        checkLoraStrength(lora);
        return lora;
    }
    if (isFile(head) && !isFile(spec)) {
        throw Error(ErrorCode::Usage, spec + ": LoRA strength '" + tail +
                                          "' is not a number (FILE[:STRENGTH], e.g. " + head + ":0.8)");
    }
    return {spec, 1.0};
}

ExporterLocation locateExporter() {
    ExporterLocation location;
    const char* python = std::getenv("CHIARO_PYTHON");
    location.python = python && *python ? python : "/usr/bin/python3";
    if (::access(location.python.c_str(), X_OK) != 0) {
        throw Error(ErrorCode::Failure, location.python + ": Python not found (install python3-torch)");
    }
    std::vector<std::string> tried;
    auto use = [&](const fs::path& script, const char* origin) {
        tried.push_back(script.string());
        if (!isFile(script)) return false;
        location.script = fs::absolute(script).lexically_normal().string();
        location.origin = origin;
        return true;
    };
    if (const char* env = std::getenv("CHIARO_EXPORTER"); env && *env) {
        if (use(env, "CHIARO_EXPORTER")) return location;
        throw Error(ErrorCode::Failure, std::string(env) + ": CHIARO_EXPORTER names no file");
    }
    const std::string exe = runningBinary();
    if (!exe.empty()) {
        const fs::path prefix = fs::path(exe).parent_path().parent_path();
        if (use(prefix / "share/chiaro/models/export.py", "installed")) return location;
    }
    if (*CHIARO_SOURCE_EXPORTER && use(CHIARO_SOURCE_EXPORTER, "source tree")) return location;
    std::string list;
    for (const auto& t : tried) list += (list.empty() ? "" : ", ") + t;
    throw Error(ErrorCode::Failure, "the model exporter (export.py) is not installed: looked for " + list);
}

std::string iclightVariant(const std::string& path) {
    if (isDir(path)) bad(path, "is a folder: --iclight takes an IC-Light file (iclight_sd15_fc/fbc.safetensors)");
    if (!isFile(path)) bad(path, "IC-Light file not found");
    const SafetensorsFile file = SafetensorsFile::open(path);
    if (hasPrefix(file, "model.diffusion_model.")) {
        bad(path, "this is a full Stable Diffusion checkpoint, not IC-Light offsets: give it as the base");
    }
    if (!file.contains("conv_in.weight")) {
        bad(path, "not an IC-Light file (no conv_in.weight: expects iclight_sd15_fc/fbc.safetensors)");
    }
    const TensorView conv = file.get("conv_in.weight");
    const int64_t width = conv.shape.size() == 4 ? conv.shape[1] : -1;
    if (width == 8) return "fc";
    if (width == 12) return "fbc";
    if (width == 4) bad(path, "this is a plain Stable Diffusion UNet, not IC-Light offsets");
    bad(path, "not an IC-Light file (conv_in takes " + std::to_string(width) + " channels, expected 8 or 12)");
}

bool isLoraFile(const std::string& path) {
    if (!isFile(path)) return false;
    try {
        const SafetensorsFile file = SafetensorsFile::open(path);
        for (const auto& name : file.names()) {
            if (name.rfind("lora_unet_", 0) == 0 || name.rfind("lora_te", 0) == 0 ||
                name.find(".lora_") != std::string::npos || name.find(".lora.") != std::string::npos ||
                name.find("_lora.") != std::string::npos) {
                return true;
            }
        }
    } catch (const Error&) {
    }
    return false;
}

std::vector<std::string> checkImportInputs(const ImportRequest& request) {
    if (request.iclight.empty()) throw Error(ErrorCode::Usage, "--iclight is required");
    if (request.iclight.size() > 2) {
        throw Error(ErrorCode::Usage, "at most two --iclight files (one fc, one fbc)");
    }
    if (request.outDir.empty()) throw Error(ErrorCode::Usage, "--out is required");
    checkBase(request.base);
    std::vector<std::string> variants;
    std::set<std::string> seen;
    for (const auto& file : request.iclight) {
        variants.push_back(iclightVariant(file));
        if (!seen.insert(variants.back()).second) {
            throw Error(ErrorCode::Usage, "both IC-Light files are " + variants.back() +
                                              ": give one fc and one fbc file");
        }
    }
    checkOptionalFile(request.segmenter, "segmenter");
    checkOptionalFile(request.vae, "VAE");
    checkOptionalFile(request.vocab, "vocabulary");
    for (const ImportLora& lora : request.loras) checkLora(lora);
    if (isFile(request.outDir)) {
        throw Error(ErrorCode::Usage, request.outDir + ": --out is a file, not a folder");
    }
    return variants;
}

}  // namespace chiaro::core
