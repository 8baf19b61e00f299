#pragma once
// Torch-free bundles for manifest and verification tests: random bytes under the real file names and
// a manifest with their true sizes and sha256s. Not loadable by LibTorch (see selftest_bundles.h).
#include <string>

#include <nlohmann/json.hpp>

namespace chiaro::test {

// Writes the files and manifest.json of a `variant` ("fc"/"fbc") bundle into `dir` (created) and
// returns the manifest. Each file gets a few KiB of seeded random bytes (unet.pt a bit more than
// 1 MiB, so hashing crosses the reader's chunk boundary).
nlohmann::json writeSyntheticBundle(const std::string& dir, const std::string& variant = "fc");

// Replaces DIR/manifest.json with `manifest`.
void writeManifest(const std::string& dir, const nlohmann::json& manifest);

// Flips one byte of a file in place (the size stays the same).
void flipByte(const std::string& path, size_t offset);

}  // namespace chiaro::test
