#include "chiaro/core/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "chiaro/core/error.h"

namespace chiaro::core {
namespace fs = std::filesystem;
namespace {

std::string temporarySibling(const std::string& path) {
    fs::path target(path);
    std::random_device rd;
    std::uniform_int_distribution<unsigned> dist(0, 0xFFFFFF);
    char suffix[16];
    std::snprintf(suffix, sizeof(suffix), "%06x", dist(rd));
    // Keep the extension last: image writers pick the format from it.
    std::string name = "." + target.stem().string() + ".tmp-" + suffix + target.extension().string();
    return (target.parent_path() / name).string();
}

[[noreturn]] void fail(const std::string& path, const std::string& what, int err) {
    throw Error(ErrorCode::Failure,
                "cannot write " + path + ": " + what + (err ? std::string(": ") + std::strerror(err) : ""));
}

void syncFile(const std::string& tmp, const std::string& path) {
    int fd = ::open(tmp.c_str(), O_RDONLY);
    if (fd < 0) fail(path, "reopening the temporary file", errno);
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0) fail(path, "flushing to disk", err);
}

void renameOver(const std::string& tmp, const std::string& path) {
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        int err = errno;
        std::remove(tmp.c_str());
        fail(path, "renaming the temporary file", err);
    }
    // The rename lives in the folder's own data: without this a power loss shortly after can bring
    // back the old name (or no file) even though the contents were flushed.
    syncParentDirectory(path);
}

void commit(const std::string& tmp, const std::string& path) {
    syncFile(tmp, path);
    renameOver(tmp, path);
}

}  // namespace

void writeFileAtomic(const std::string& path, std::string_view bytes) {
    const std::string tmp = temporarySibling(path);
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) fail(path, "creating a temporary file", errno);
    size_t written = 0;
    while (written < bytes.size()) {
        ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            ::close(fd);
            std::remove(tmp.c_str());
            fail(path, "writing", err);
        }
        written += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        int err = errno;
        std::remove(tmp.c_str());
        fail(path, "flushing to disk", err);
    }
    renameOver(tmp, path);
}

void syncParentDirectory(const std::string& path) {
    fs::path folder = fs::path(path).parent_path();
    if (folder.empty()) folder = ".";
    const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) fail(path, "opening its folder to flush the new name", errno);
    // EINVAL: the file system cannot sync a directory (some FUSE and network mounts); the data
    // itself was flushed, which is all such a file system offers.
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    if (rc != 0 && err != EINVAL && err != ENOTSUP) fail(path, "flushing its folder to disk", err);
}

void writeAtomically(const std::string& path,
                     const std::function<void(const std::string&)>& writer) {
    const std::string tmp = temporarySibling(path);
    try {
        writer(tmp);
    } catch (...) {
        std::error_code ec;
        fs::remove(tmp, ec);
        throw;
    }
    std::error_code ec;
    if (!fs::exists(tmp, ec)) fail(path, "the writer produced no file", 0);
    commit(tmp, path);
}

std::string readFileBytes(const std::string& path) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
        throw Error(ErrorCode::BadInput, path + ": no such file");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ErrorCode::BadInput, path + ": cannot open for reading");
    std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw Error(ErrorCode::BadInput, path + ": read error");
    return data;
}

}  // namespace chiaro::core
