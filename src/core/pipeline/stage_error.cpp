#include "pipeline/stage_error.h"

#include <cstdio>
#include <regex>
#include <vector>

namespace chiaro::core {
namespace {

bool contains(const std::string& text, const char* part) { return text.find(part) != std::string::npos; }

std::string trim(const std::string& text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= text.size()) {
        const size_t end = text.find('\n', start);
        out.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return out;
}

// "1.5 GiB" from a byte count.
std::string humanBytes(double bytes) {
    static const char* const kUnits[] = {"bytes", "KiB", "MiB", "GiB", "TiB"};
    int unit = 0;
    while (bytes >= 1024.0 && unit < 4) {
        bytes /= 1024.0;
        ++unit;
    }
    char text[32];
    if (unit == 0) std::snprintf(text, sizeof(text), "%.0f bytes", bytes);
    else std::snprintf(text, sizeof(text), "%.1f %s", bytes, kUnits[unit]);
    return text;
}

// "2.00 GiB" (LibTorch's CUDA wording) in the same short form as humanBytes.
std::string shortAmount(const std::string& number, const std::string& unit) {
    char text[32];
    std::snprintf(text, sizeof(text), "%.1f %s", std::stod(number), unit.c_str());
    return text;
}

// The TorchScript interpreter puts its traceback first and the failing operation's own error
// last ("builtins.RuntimeError: ..." or "RuntimeError: ..."); other LibTorch errors start with the
// cause. Returns the cause's text, class prefix removed for RuntimeError (it says nothing).
std::string innermostLine(const std::string& what) {
    const std::vector<std::string> all = lines(what);
    if (contains(what, "TorchScript interpreter") || contains(what, "Traceback of TorchScript")) {
        static const std::regex kErrorLine(R"(^(?:builtins\.)?([A-Za-z_][\w.]*(?:Error|Exception)): (.*)$)");
        for (auto it = all.rbegin(); it != all.rend(); ++it) {
            std::smatch match;
            const std::string line = trim(*it);
            if (!std::regex_match(line, match, kErrorLine)) continue;
            const std::string kind = match[1];
            return kind == "RuntimeError" || kind == "torch.jit.Error" ? std::string(match[2])
                                                                       : kind + ": " + std::string(match[2]);
        }
    }
    for (const std::string& line : all) {
        if (!trim(line).empty()) return trim(line);
    }
    return "unknown LibTorch error";
}

std::string withoutEnforcePrefix(std::string text) {
    // "[enforce fail at alloc_cpu.cpp:75] err == 0. DefaultCPUAllocator: ..." -> "DefaultCPUAllocator: ..."
    static const std::regex kEnforce(R"(^\[enforce fail at [^\]]*\] [^.]*\.\s*)");
    return std::regex_replace(text, kEnforce, "");
}

std::string outOfMemoryCause(const std::string& what) {
    const bool gpu = contains(what, "CUDA") || contains(what, "HIP") || contains(what, "GPU");
    static const std::regex kTried(R"([Tt]ried to allocate ([\d.]+) ([KMGT]iB|bytes|B))");
    static const std::regex kFree(R"((?:of which ([\d.]+) ([KMGT]iB) is free)|(?:([\d.]+) ([KMGT]iB) free))");
    static const std::regex kCpuBytes(R"(tried to allocate (\d+) bytes)");
    std::vector<std::string> parts;
    std::smatch match;
    if (!gpu && std::regex_search(what, match, kCpuBytes)) {
        parts.push_back("tried to allocate " + humanBytes(std::stod(match[1])));
    } else if (std::regex_search(what, match, kTried)) {
        parts.push_back("tried to allocate " + shortAmount(match[1], match[2]));
    }
    if (gpu && std::regex_search(what, match, kFree)) {
        parts.push_back(match[1].matched ? shortAmount(match[1], match[2]) + " free"
                                         : shortAmount(match[3], match[4]) + " free");
    }
    std::string cause = gpu ? "out of GPU memory" : "out of memory";
    if (!parts.empty()) {
        cause += " (" + parts[0];
        for (size_t i = 1; i < parts.size(); ++i) cause += "; " + parts[i];
        cause += ")";
    }
    return cause;
}

// LibTorch's shape errors in plain words; empty when `line` is not one of them.
std::string shapeMismatchCause(const std::string& line) {
    std::smatch m;
    static const std::regex kBroadcast(
        R"(The size of tensor a \((\d+)\) must match the size of tensor b \((\d+)\) at non-singleton dimension (\d+))");
    if (std::regex_search(line, m, kBroadcast)) {
        return "shape mismatch: two tensors of sizes " + std::string(m[1]) + " and " + std::string(m[2]) +
               " along dimension " + std::string(m[3]) + " do not fit together";
    }
    static const std::regex kMatmul(R"(mat1 and mat2 shapes cannot be multiplied \((\d+)x(\d+) and (\d+)x(\d+)\))");
    if (std::regex_search(line, m, kMatmul)) {
        return "shape mismatch: a layer expects " + std::string(m[3]) + " input features but got " +
               std::string(m[2]) + " (matrices " + std::string(m[1]) + "x" + std::string(m[2]) + " and " +
               std::string(m[3]) + "x" + std::string(m[4]) + ")";
    }
    static const std::regex kConv(
        R"(weight of size \[([^\]]*)\], expected input\[([^\]]*)\] to have (\d+) channels, but got (\d+) channels)");
    if (std::regex_search(line, m, kConv)) {
        return "shape mismatch: a convolution expects " + std::string(m[3]) + " input channels but got " +
               std::string(m[4]) + " (input [" + std::string(m[2]) + "], weight [" + std::string(m[1]) + "])";
    }
    static const std::regex kReshape(R"(shape '\[([^\]]*)\]' is invalid for input of size (\d+))");
    if (std::regex_search(line, m, kReshape)) {
        return "shape mismatch: " + std::string(m[2]) + " values cannot be reshaped to [" + std::string(m[1]) + "]";
    }
    return {};
}

}  // namespace

bool isOutOfMemoryMessage(const std::string& what) {
    return contains(what, "out of memory") || contains(what, "not enough memory") ||
           contains(what, "can't allocate memory") || contains(what, "OutOfMemoryError");
}

std::string torchFailureCause(const std::string& what) {
    if (isOutOfMemoryMessage(what)) return outOfMemoryCause(what);
    std::string line = withoutEnforcePrefix(innermostLine(what));
    if (std::string shape = shapeMismatchCause(line); !shape.empty()) return shape;
    constexpr size_t kMaxChars = 300;
    if (line.size() > kMaxChars) line = line.substr(0, kMaxChars) + "...";
    return line;
}

Error torchStageError(const std::string& stage, const std::string& moduleFile, const std::string& what) {
    std::string message = stage.empty() ? std::string("engine") : stage;
    if (!moduleFile.empty()) message += " (" + moduleFile + ")";
    message += ": " + torchFailureCause(what);
    if (isOutOfMemoryMessage(what)) {
        const bool gpu = contains(what, "CUDA") || contains(what, "HIP") || contains(what, "GPU");
        message += gpu ? "; retry at a lower size or on the CPU (--device cpu)" : "; retry at a lower size";
    }
    return Error(ErrorCode::Failure, message);
}

}  // namespace chiaro::core
