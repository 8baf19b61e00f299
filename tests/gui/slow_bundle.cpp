#include "slow_bundle.h"

#include <cstdint>
#include <filesystem>

#include "../core/bundle/synthetic_bundle.h"  // tests/core/bundle

namespace chiaro::test {
namespace {

// Hashing runs at a few hundred MB/s to a few GB/s: 1 TiB of holes keeps a load busy for minutes
// and takes no disk space.
constexpr std::uintmax_t kBigFileBytes = std::uintmax_t(1) << 40;

}  // namespace

SlowBundle::SlowBundle(const std::string& dir) : m_dir(dir) {
    nlohmann::json manifest = writeSyntheticBundle(dir, "fc");
    m_bigFile = dir + "/" + manifest["files"]["text_encoder"]["path"].get<std::string>();
    std::filesystem::resize_file(m_bigFile, kBigFileBytes);  // verified first (orderedFiles)
    manifest["files"]["text_encoder"]["bytes"] = kBigFileBytes;
    writeManifest(dir, manifest);
}

void SlowBundle::release() const {
    std::filesystem::resize_file(m_bigFile, 0);
}

}  // namespace chiaro::test
