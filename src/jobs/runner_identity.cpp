// RunnerIdentity: who holds a lease (host, pid, process start time) and whether that process can
// be shown to be gone. Linux /proc only; elsewhere `local` is "" and every owner may be alive.
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <fstream>
#include <sstream>

#include "chiaro/jobs/job_store.h"

namespace chiaro::jobs {
namespace {

constexpr int kStartTimeField = 22;  // /proc/PID/stat: starttime, clock ticks since boot

std::string readFirstLine(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return line;
}

// Field 22 of /proc/PID/stat, or 0 when the process does not exist (or /proc is missing). Field 2
// is "(comm)", which may hold spaces and parentheses: fields are counted after the last ')'.
int64_t processStartTime(int64_t pid) {
    const std::string stat = readFirstLine("/proc/" + std::to_string(pid) + "/stat");
    const size_t close = stat.rfind(')');
    if (close == std::string::npos)
        return 0;
    std::istringstream fields(stat.substr(close + 1));
    std::string field;
    for (int index = 3; index <= kStartTimeField; ++index) {
        if (!(fields >> field))
            return 0;
    }
    try {
        return std::stoll(field);
    } catch (const std::exception&) {
        return 0;
    }
}

// The boot id and the pid namespace: two processes with the same `local` see the same pids.
std::string localIdentity() {
    const std::string boot = readFirstLine("/proc/sys/kernel/random/boot_id");
    char ns[PATH_MAX] = {};
    const ssize_t size = readlink("/proc/self/ns/pid", ns, sizeof(ns) - 1);
    if (boot.empty() || size <= 0)
        return {};
    return boot + ":" + std::string(ns, static_cast<size_t>(size));
}

std::string hostName() {
    char name[HOST_NAME_MAX + 1] = {};
    if (gethostname(name, sizeof(name) - 1) != 0)
        return "unknown-host";
    return name;
}

bool parseInt(const std::string& text, int64_t& value) {
    if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
        return false;
    try {
        value = std::stoll(text);
    } catch (const std::exception&) {
        return false;
    }
    return true;
}

}  // namespace

std::string RunnerIdentity::text() const {
    return host + "/pid " + std::to_string(pid) + "/start " + std::to_string(processStart);
}

RunnerIdentity RunnerIdentity::current() {
    // Not cached: a forked child is a different runner.
    RunnerIdentity self;
    self.host = hostName();
    self.pid = static_cast<int64_t>(getpid());
    self.processStart = processStartTime(self.pid);
    self.local = localIdentity();
    return self;
}

std::optional<RunnerIdentity> RunnerIdentity::parse(const std::string& text,
                                                    const std::string& local) {
    // "host/pid 1234/start 5678"; host names hold no '/', but parse from the end regardless.
    const size_t start = text.rfind("/start ");
    if (start == std::string::npos)
        return std::nullopt;
    const size_t pid = text.rfind("/pid ", start);
    if (pid == std::string::npos || pid == 0)
        return std::nullopt;
    RunnerIdentity identity;
    identity.host = text.substr(0, pid);
    identity.local = local;
    const size_t pidBegin = pid + 5, startBegin = start + 7;
    if (!parseInt(text.substr(pidBegin, start - pidBegin), identity.pid) ||
        !parseInt(text.substr(startBegin), identity.processStart)) {
        return std::nullopt;
    }
    return identity;
}

bool RunnerIdentity::mayBeAlive() const {
    // Another machine, pid namespace or boot: its pids mean nothing here.
    if (local.empty() || pid <= 0 || local != localIdentity())
        return true;
    if (kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
        return false;
    // The pid exists (EPERM: another user's process); it is our runner only if it started when
    // ours did, otherwise the pid was recycled.
    const int64_t start = processStartTime(pid);
    return start == 0 || start == processStart;
}

}  // namespace chiaro::jobs
