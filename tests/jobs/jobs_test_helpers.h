#pragma once
// Helpers of the job queue tests: job specs, SQL run on a queue file through SQLite's C API
// (behind JobStore's back: fixtures, forged leases), file snapshots, and running code in a child
// process (other runners; a user that file modes apply to, even when the tests run as root).
#include <grp.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "chiaro/core/error.h"
#include "chiaro/jobs/job_store.h"

namespace chiaro::test {

inline jobs::JobSpec jobSpec(const std::string& name) {
    jobs::JobSpec s;
    s.params = {{"prompt", name}, {"seed", 7}};
    s.inputPath = "/photos/" + name + ".jpg";
    s.outputPath = "/out/" + name + ".png";
    s.label = name;
    s.batchId = "b1";
    return s;
}

// Runs `sql` (one or more statements) on the file at `path`, creating it when missing.
inline void rawSql(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    int rc =
        sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    char* error = nullptr;
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(db, 10000);
        rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    }
    const std::string message = error ? error : db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_free(error);
    sqlite3_close(db);
    if (rc != SQLITE_OK)
        throw std::runtime_error(path + ": " + sql + ": " + message);
}

// The first column of the first row of `sql` as an integer.
inline int64_t rawScalar(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_stmt* stmt = nullptr;
    int64_t value = -1;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
        value = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return value;
}

inline std::string fileBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

inline std::vector<std::string> folderEntries(const std::string& folder) {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(folder))
        names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

// Field 22 of /proc/PID/stat (the process start time), read independently of RunnerIdentity.
inline int64_t procStartTime(int64_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat;
    std::getline(in, stat);
    std::istringstream fields(stat.substr(stat.rfind(')') + 2));
    std::string field;
    for (int i = 3; i <= 22; ++i)
        fields >> field;
    return std::stoll(field);
}

// Runs `body` in a forked child and returns what it wrote to its string, or "exit N" / "signal N"
// when it did not end normally. The child ends with _exit(): no test-framework state runs there.
// With `unprivileged`, a child running as root becomes nobody first (file modes do not stop
// root), and answers "skip: ..." when it cannot.
inline std::string inChild(const std::function<void(std::string&)>& body,
                           bool unprivileged = false) {
    int fds[2];
    if (pipe(fds) != 0)
        throw std::runtime_error("pipe failed");
    const pid_t pid = fork();
    if (pid < 0)
        throw std::runtime_error("fork failed");
    if (pid == 0) {
        close(fds[0]);
        std::string out;
        if (unprivileged && geteuid() == 0 &&
            (setgroups(0, nullptr) != 0 || setgid(65534) != 0 || setuid(65534) != 0)) {
            out = std::string("skip: cannot drop root privileges: ") + std::strerror(errno);
        } else {
            try {
                body(out);
            } catch (const std::exception& e) {
                out = std::string("exception: ") + e.what();
            }
        }
        const ssize_t written = write(fds[1], out.data(), out.size());
        _exit(written == static_cast<ssize_t>(out.size()) ? 0 : 3);
    }
    close(fds[1]);
    std::string out;
    char buffer[4096];
    for (ssize_t n; (n = read(fds[0], buffer, sizeof(buffer))) > 0;)
        out.append(buffer, static_cast<size_t>(n));
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFSIGNALED(status))
        return "signal " + std::to_string(WTERMSIG(status));
    if (WEXITSTATUS(status) != 0)
        return "exit " + std::to_string(WEXITSTATUS(status));
    return out;
}

// Opening `path` as a queue fails with BadInput, naming the path and saying `part`.
inline void expectOpenRefused(const std::string& path, const std::string& part) {
    try {
        jobs::JobStore::open(path);
        FAIL("opened " << path);
    } catch (const core::Error& e) {
        CHECK(e.code() == core::ErrorCode::BadInput);
        CHECK_THAT(e.what(), Catch::Contains(path) && Catch::Contains(part));
    }
}

}  // namespace chiaro::test
