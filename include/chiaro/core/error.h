#pragma once
// Errors inside chiaro_core: exceptions that carry a category the CLI maps to its exit code and the
// GUI to a message. No exception crosses a thread: workers convert them to a Status.
#include <stdexcept>
#include <string>

namespace chiaro::core {

// Values are the CLI exit codes of CONTRACTS.md §4.
enum class ErrorCode {
    Ok = 0,
    Failure = 1,      // anything else
    Usage = 2,        // bad arguments or parameters
    BadInput = 3,     // an input file is missing, unreadable or malformed
    ModelBundle = 4,  // the model bundle is missing, corrupt or does not fit the job
    Cancelled = 5,    // cancelled or interrupted by the user
};

const char* errorCodeName(ErrorCode code);

class Error : public std::runtime_error {
public:
    Error(ErrorCode code, const std::string& message) : std::runtime_error(message), m_code(code) {}
    ErrorCode code() const { return m_code; }

private:
    ErrorCode m_code;
};

// Result of work that crossed a thread or process boundary.
struct Status {
    ErrorCode code = ErrorCode::Ok;
    std::string message;

    bool ok() const { return code == ErrorCode::Ok; }
    static Status success() { return {}; }
    static Status fromException(const std::exception& e);
};

}  // namespace chiaro::core
