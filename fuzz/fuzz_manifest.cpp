// libFuzzer: the bundle manifest parser on arbitrary bytes. JSON that parses must be validated
// into a manifest or refused with Error(ModelBundle); a crash or another exception is a bug.
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "chiaro/bundle/bundle_manifest.h"
#include "chiaro/core/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
    if (json.is_discarded()) return 0;
    try {
        const auto manifest = chiaro::core::parseBundleManifest(json, "/nonexistent/bundle",
                                                                "/nonexistent/bundle/manifest.json");
        for (const auto& [name, file] : manifest.files) (void)manifest.filePath(name);
    } catch (const chiaro::core::Error& e) {
        if (e.code() != chiaro::core::ErrorCode::ModelBundle) std::abort();
    }
    return 0;
}
