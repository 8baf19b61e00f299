// Network file system detection by statfs() magic numbers (linux/magic.h, plus Lustre and GPFS,
// which are out of tree).
#include "chiaro/jobs/queue_location.h"

#include <sys/vfs.h>

#include <filesystem>

namespace chiaro::jobs {
namespace {

struct NetworkMagic {
    uint32_t magic;
    const char* name;
};

constexpr NetworkMagic kNetworkMagics[] = {
    {0x6969, "nfs"},         // NFS_SUPER_MAGIC
    {0xFF534D42, "cifs"},    // CIFS_SUPER_MAGIC
    {0x517B, "smb"},         // SMB_SUPER_MAGIC
    {0xFE534D42, "smb2"},    // SMB2_SUPER_MAGIC (ksmbd-era kernels)
    {0x00C36400, "ceph"},    // CEPH_SUPER_MAGIC
    {0x0BD00BD0, "lustre"},  // LL_SUPER_MAGIC
    {0x47504653, "gpfs"},    // "GPFS"
    {0x01021997, "9p"},      // V9FS_MAGIC
    {0x5346414F, "afs"},     // AFS_SUPER_MAGIC (OpenAFS)
    {0x6B414653, "afs"},     // AFS_FS_MAGIC (kAFS)
    {0x65735546, "fuse"},    // FUSE_SUPER_MAGIC: sshfs, rclone, s3fs, gcsfuse, ...
};

}  // namespace

std::string networkFileSystemName(uint64_t statfsMagic) {
    // f_type is a signed long on some ABIs: compare the 32 bits every magic fits in.
    const auto magic = static_cast<uint32_t>(statfsMagic & 0xFFFFFFFFu);
    for (const NetworkMagic& m : kNetworkMagics) {
        if (m.magic == magic)
            return m.name;
    }
    return {};
}

std::string networkFileSystemOf(const std::string& path) {
    std::filesystem::path folder = std::filesystem::path(path).parent_path();
    if (folder.empty())
        folder = ".";
    struct statfs info {};
    if (statfs(folder.c_str(), &info) != 0)
        return {};
    return networkFileSystemName(static_cast<uint64_t>(info.f_type));
}

}  // namespace chiaro::jobs
