#pragma once
// Remembers, in the verification cache, which module files passed their signature probe on which
// target. The probes run each module once on a tiny input (about 8 s for the full-size bundle on a
// 2-core CPU: every weight is read once); a bundle whose files were just verified unchanged and
// already passed on the same target, with the same manifest, need not pay that again.
// Private to the bundle module; Torch-free.
#include <optional>
#include <string>

#include "chiaro/bundle/bundle_manifest.h"
#include "chiaro/bundle/bundle_verify.h"
#include "verify_cache.h"

namespace chiaro::core {

class ProbeMemo {
public:
    // `filesVerified`: the bundle's files were verified (size + sha256) by this load; without that
    // nothing is remembered or skipped. `target` names the device and dtypes, e.g. "cpu (fp32)".
    ProbeMemo(const BundleManifest& manifest, const VerifyOptions& options, std::string target,
              bool filesVerified);
    ~ProbeMemo();  // saves, also when a later module fails: the ones that passed stay remembered
    ProbeMemo(const ProbeMemo&) = delete;
    ProbeMemo& operator=(const ProbeMemo&) = delete;

    bool passed(const std::string& name) const;  // this module's probe can be skipped
    void remember(const std::string& name);      // this module's probe just passed
    void save();                                 // writes the cache when remember() added entries

private:
    std::string keyFor(const std::string& name) const;
    FileStamp stampFor(const std::string& name) const;

    const BundleManifest& m_manifest;
    std::string m_target;
    std::string m_manifestDigest;
    std::optional<VerifyCache> m_cache;
};

}  // namespace chiaro::core
