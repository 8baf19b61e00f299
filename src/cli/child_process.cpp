#include "child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"

extern char** environ;

namespace chiaro::cli {
namespace {

volatile sig_atomic_t g_stopRequested = 0;

void onStopSignal(int) { g_stopRequested = 1; }

// Installs the SIGINT/SIGTERM handlers for the child's lifetime and restores the old ones.
class StopSignals {
public:
    StopSignals() {
        g_stopRequested = 0;
        struct sigaction action {};
        action.sa_handler = onStopSignal;
        sigemptyset(&action.sa_mask);
        sigaction(SIGINT, &action, &m_oldInt);
        sigaction(SIGTERM, &action, &m_oldTerm);
    }
    ~StopSignals() {
        sigaction(SIGINT, &m_oldInt, nullptr);
        sigaction(SIGTERM, &m_oldTerm, nullptr);
    }

private:
    struct sigaction m_oldInt {};
    struct sigaction m_oldTerm {};
};

struct Pipe {
    int read = -1, write = -1;
    Pipe() {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0) {
            throw core::Error(core::ErrorCode::Failure, std::string("pipe: ") + std::strerror(errno));
        }
        read = fds[0];
        write = fds[1];
    }
    ~Pipe() {
        if (read >= 0) ::close(read);
        if (write >= 0) ::close(write);
    }
    void closeWrite() {
        ::close(write);
        write = -1;
    }
};

pid_t spawn(const std::vector<std::string>& argv, const Pipe& out, const Pipe& err) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out.write, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err.write, STDERR_FILENO);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t defaults, none;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, args[0], &actions, &attr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        throw core::Error(core::ErrorCode::Failure, argv[0] + ": cannot start: " + std::strerror(rc));
    }
    return pid;
}

// Appends what is readable on `fd`; false at end of file.
bool drain(int fd, std::string& buffer) {
    char chunk[4096];
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n > 0) buffer.append(chunk, static_cast<size_t>(n));
    return n > 0 || (n < 0 && errno == EINTR);
}

void emitLines(std::string& buffer, const std::function<void(const std::string&)>& onLine, bool flush) {
    size_t start = 0;
    for (size_t nl; (nl = buffer.find('\n', start)) != std::string::npos; start = nl + 1) {
        onLine(buffer.substr(start, nl - start));
    }
    buffer.erase(0, start);
    if (flush && !buffer.empty()) {
        onLine(buffer);
        buffer.clear();
    }
}

}  // namespace

ChildResult runChild(const std::vector<std::string>& argv,
                     const std::function<void(const std::string& line)>& onStdoutLine) {
    StopSignals signals;
    Pipe out, err;
    const pid_t pid = spawn(argv, out, err);
    out.closeWrite();
    err.closeWrite();
    ChildResult result;
    std::string outBuffer;
    bool outOpen = true, errOpen = true;
    std::chrono::steady_clock::time_point killAt{};
    while (outOpen || errOpen) {
        if (g_stopRequested && !result.cancelled) {
            result.cancelled = true;
            core::namedLogger("cli")->info("cancel: stopping the exporter (pid {})", pid);
            ::kill(-pid, SIGTERM);
            killAt = std::chrono::steady_clock::now() + std::chrono::seconds(3);
        }
        if (result.cancelled && std::chrono::steady_clock::now() > killAt) ::kill(-pid, SIGKILL);
        pollfd fds[2] = {{outOpen ? out.read : -1, POLLIN, 0}, {errOpen ? err.read : -1, POLLIN, 0}};
        if (::poll(fds, 2, 200) <= 0) continue;  // timeout or EINTR: check the stop flag again
        if (fds[0].revents && !(outOpen = drain(out.read, outBuffer))) emitLines(outBuffer, onStdoutLine, true);
        if (outOpen) emitLines(outBuffer, onStdoutLine, false);
        if (fds[1].revents) errOpen = drain(err.read, result.err);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        if (g_stopRequested) ::kill(-pid, SIGKILL);
    }
    if (WIFEXITED(status)) result.exitCode = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
    if (g_stopRequested) result.cancelled = true;
    return result;
}

}  // namespace chiaro::cli
