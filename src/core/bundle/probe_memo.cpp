#include "probe_memo.h"

#include "chiaro/bundle/sha256.h"
#include "chiaro/core/logging.h"

namespace chiaro::core {

ProbeMemo::ProbeMemo(const BundleManifest& manifest, const VerifyOptions& options, std::string target,
                     bool filesVerified)
    : m_manifest(manifest), m_target(std::move(target)) {
    if (!filesVerified || !options.useCache) return;
    try {
        // The probes check the modules against the manifest (channels, sizes): a changed manifest
        // must probe again even when the module files are the same.
        m_manifestDigest = sha256File(manifest.dir + "/manifest.json");
    } catch (const std::exception& e) {
        coreLog().debug("{}: not remembering probes ({})", manifest.dir, e.what());
        return;
    }
    m_cache.emplace(options.cachePath.empty() ? defaultVerifyCachePath() : options.cachePath);
    m_cache->load();
}

ProbeMemo::~ProbeMemo() {
    try {
        save();
    } catch (const std::exception& e) {  // saveIfChanged only warns; this is belt and braces
        coreLog().warn("{}: could not remember module probes ({})", m_manifest.dir, e.what());
    }
}

std::string ProbeMemo::keyFor(const std::string& name) const {
    return m_manifest.filePath(name) + "\nprobed on " + m_target + " with manifest " + m_manifestDigest;
}

FileStamp ProbeMemo::stampFor(const std::string& name) const {
    const BundleFile& file = m_manifest.files.at(name);
    return FileStamp{file.bytes, fileModificationTimeNs(m_manifest.filePath(name)), file.sha256};
}

bool ProbeMemo::passed(const std::string& name) const {
    if (!m_cache || !m_manifest.files.count(name)) return false;
    const FileStamp stamp = stampFor(name);
    return stamp.mtimeNs >= 0 && m_cache->contains(keyFor(name), stamp);
}

void ProbeMemo::remember(const std::string& name) {
    if (!m_cache || !m_manifest.files.count(name)) return;
    const FileStamp stamp = stampFor(name);
    if (stamp.mtimeNs >= 0) m_cache->remember(keyFor(name), stamp);
}

void ProbeMemo::save() {
    if (m_cache) m_cache->saveIfChanged();
}

}  // namespace chiaro::core
