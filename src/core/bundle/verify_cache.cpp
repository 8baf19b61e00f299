#include "verify_cache.h"

#include <sys/stat.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "chiaro/core/atomic_file.h"
#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"

namespace chiaro::core {
namespace fs = std::filesystem;
using nlohmann::json;
namespace {

constexpr int kCacheVersion = 1;

// Entries for files that no longer exist are dropped so the cache stays small over years of use.
std::map<std::string, FileStamp> readEntries(const std::string& path, bool warn) {
    std::map<std::string, FileStamp> entries;
    std::error_code ec;
    if (!fs::exists(path, ec)) return entries;
    try {
        json root = json::parse(readFileBytes(path));
        if (root.value("version", 0) != kCacheVersion) return entries;
        for (const auto& [file, value] : root.at("entries").items()) {
            FileStamp stamp{value.at("bytes").get<uint64_t>(), value.at("mtime_ns").get<int64_t>(),
                            value.at("sha256").get<std::string>()};
            if (fs::exists(file.substr(0, file.find('\n')), ec)) entries[file] = stamp;
        }
    } catch (const std::exception& e) {
        if (warn) {
            coreLog().warn("{}: ignoring the unreadable verification cache ({})", path, e.what());
        }
        entries.clear();
    }
    return entries;
}

}  // namespace

int64_t fileModificationTimeNs(const std::string& path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) return -1;
    return int64_t(info.st_mtim.tv_sec) * 1000000000 + info.st_mtim.tv_nsec;
}

VerifyCache::VerifyCache(std::string path) : m_path(std::move(path)) {}

void VerifyCache::load() { m_entries = readEntries(m_path, true); }

bool VerifyCache::contains(const std::string& absolutePath, const FileStamp& stamp) const {
    auto it = m_entries.find(absolutePath);
    return it != m_entries.end() && it->second == stamp;
}

void VerifyCache::remember(const std::string& absolutePath, const FileStamp& stamp) {
    if (contains(absolutePath, stamp)) return;
    m_entries[absolutePath] = stamp;
    m_changed = true;
}

void VerifyCache::saveIfChanged() {
    if (!m_changed) return;
    // Merge with what other processes wrote since load(); our fresh entries win.
    std::map<std::string, FileStamp> merged = readEntries(m_path, false);
    for (const auto& [file, stamp] : m_entries) merged[file] = stamp;
    json entries = json::object();
    for (const auto& [file, stamp] : merged) {
        entries[file] = {{"bytes", stamp.bytes}, {"mtime_ns", stamp.mtimeNs}, {"sha256", stamp.sha256}};
    }
    json root = {{"version", kCacheVersion}, {"entries", entries}};
    try {
        std::error_code ec;
        fs::path parent = fs::path(m_path).parent_path();
        if (!parent.empty()) fs::create_directories(parent, ec);
        writeFileAtomic(m_path, root.dump(2) + "\n");
        m_changed = false;
    } catch (const std::exception& e) {
        coreLog().warn("{}: could not save the verification cache ({})", m_path, e.what());
    }
}

}  // namespace chiaro::core
