#include "chiaro/core/error.h"

namespace chiaro::core {

const char* errorCodeName(ErrorCode code) {
    switch (code) {
        case ErrorCode::Ok: return "ok";
        case ErrorCode::Failure: return "failure";
        case ErrorCode::Usage: return "usage";
        case ErrorCode::BadInput: return "bad input";
        case ErrorCode::ModelBundle: return "model bundle";
        case ErrorCode::Cancelled: return "cancelled";
    }
    return "unknown";
}

Status Status::fromException(const std::exception& e) {
    if (const auto* err = dynamic_cast<const Error*>(&e)) {
        return {err->code(), err->what()};
    }
    return {ErrorCode::Failure, e.what()};
}

}  // namespace chiaro::core
