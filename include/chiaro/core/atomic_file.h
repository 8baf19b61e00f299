#pragma once
// Outputs are never written in place: data goes to a temporary file in the destination folder,
// is flushed to disk, and is renamed over the final name, so a crash, a full disk or a kill leaves
// either the previous file or the complete new one, never a partial file under the final name.
#include <functional>
#include <string>
#include <string_view>

namespace chiaro::core {

// Writes `bytes` to `path` atomically. Throws Error(Failure) naming the path on any failure, after
// removing the temporary file.
void writeFileAtomic(const std::string& path, std::string_view bytes);

// For writers that need a path (e.g. a library that writes files itself): `writer` receives a
// temporary path in the same folder and must create the file there; it is then synced and renamed
// to `path`. If `writer` throws, the temporary file is removed and the exception propagates.
void writeAtomically(const std::string& path, const std::function<void(const std::string&)>& writer);

// fsyncs the folder holding `path`, so a rename or a new file in it survives a power loss.
// Throws Error(Failure) naming the path when the folder cannot be flushed.
void syncParentDirectory(const std::string& path);

// Reads a whole file; throws Error(BadInput) naming the path when it cannot.
std::string readFileBytes(const std::string& path);

}  // namespace chiaro::core
