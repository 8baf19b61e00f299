#pragma once
// The on-disk cache of successful file verifications (private to the bundle module).
// Format: {"version": 1, "entries": {"/abs/path": {"bytes": N, "mtime_ns": T, "sha256": "..."}}}.
// Several processes may share it; each rewrites it atomically, so the worst case of a race is a
// lost entry (re-hashed next time), never a corrupt file.
#include <cstdint>
#include <map>
#include <string>

namespace chiaro::core {

struct FileStamp {
    uint64_t bytes = 0;
    int64_t mtimeNs = 0;
    std::string sha256;  // the manifest's expected digest that the file was found to have

    bool operator==(const FileStamp& other) const {
        return bytes == other.bytes && mtimeNs == other.mtimeNs && sha256 == other.sha256;
    }
};

// Nanoseconds since the Unix epoch (stat's st_mtim, not std::filesystem's library-specific clock,
// so the cache stays valid across builds); -1 when stat fails.
int64_t fileModificationTimeNs(const std::string& path);

// Keys are absolute file paths. A key may carry a qualifier after a newline (e.g. which target a
// module was probed on); such an entry is dropped together with its file.
class VerifyCache {
public:
    explicit VerifyCache(std::string path);

    // Reads the cache file; a missing file is empty, a corrupt one is ignored with a warning.
    void load();
    bool contains(const std::string& absolutePath, const FileStamp& stamp) const;
    void remember(const std::string& absolutePath, const FileStamp& stamp);
    // Writes the cache atomically when remember() changed it; failures only warn.
    void saveIfChanged();

private:
    std::string m_path;
    std::map<std::string, FileStamp> m_entries;
    bool m_changed = false;
};

}  // namespace chiaro::core
