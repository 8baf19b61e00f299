#pragma once
// Tiny TorchScript bundles made by tests/core/bundle/make_test_bundle.py for the loader and CLI
// tests: generated once per build folder (named by the script's hash, so editing the script makes
// new ones) and shared read-only; tests that tamper with a bundle copy it first.
#include <string>

namespace chiaro::test {

// Folder holding fc, fbc, fc_wide_unet, fc_wide_frozen, fc_pickle_unet, fc_bad_decoder (see the script).
std::string selftestBundleRoot();
std::string selftestBundle(const std::string& name);

// Copies a self-test bundle to `parent`/`name` and returns that folder.
std::string copySelftestBundle(const std::string& name, const std::string& parent);

}  // namespace chiaro::test
