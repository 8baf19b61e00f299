#include <catch2/catch.hpp>

#include "chiaro/core/error.h"

using namespace chiaro::core;

TEST_CASE("Status keeps the error category across the thread boundary", "[util]") {
    Status fromCore = Status::fromException(Error(ErrorCode::ModelBundle, "unet.pt: bad checksum"));
    CHECK(fromCore.code == ErrorCode::ModelBundle);
    CHECK(fromCore.message == "unet.pt: bad checksum");
    CHECK_FALSE(fromCore.ok());
    Status fromStd = Status::fromException(std::runtime_error("boom"));
    CHECK(fromStd.code == ErrorCode::Failure);
    CHECK(Status::success().ok());
    CHECK(std::string(errorCodeName(ErrorCode::Cancelled)) == "cancelled");
}
