#pragma once
// Where a queue file lives: network file systems (NFS, SMB, FUSE mounts such as sshfs) lack the
// shared memory SQLite's WAL needs across machines, so the job store uses a rollback journal there.
#include <cstdint>
#include <string>

namespace chiaro::jobs {

// The network file system a statfs() f_type names ("nfs", "cifs", "smb", "smb2", "ceph",
// "lustre", "gpfs", "9p", "afs", "fuse"), or "" for a local one (ext4, xfs, btrfs, tmpfs, ...).
// FUSE counts as network: sshfs, rclone, s3fs and gcsfuse are its common users.
std::string networkFileSystemName(uint64_t statfsMagic);

// networkFileSystemName() of the folder that holds the file `path`; "" when local or unknown
// (statfs failed).
std::string networkFileSystemOf(const std::string& path);

}  // namespace chiaro::jobs
