#include <catch2/catch.hpp>

#include <filesystem>
#include <stdexcept>

#include "chiaro/core/atomic_file.h"
#include "chiaro/core/error.h"
#include "test_support.h"

using namespace chiaro;
namespace fs = std::filesystem;

TEST_CASE("writeFileAtomic replaces the file and leaves no temporary behind", "[util]") {
    test::TempDir dir;
    const std::string path = dir.file("out.txt");
    core::writeFileAtomic(path, "first");
    core::writeFileAtomic(path, "second version");
    CHECK(core::readFileBytes(path) == "second version");
    size_t entries = 0;
    for (auto& e : fs::directory_iterator(dir.path())) entries += e.is_regular_file() ? 1 : 0;
    CHECK(entries == 1);
}

TEST_CASE("a failing writer keeps the previous output and removes its temporary", "[util]") {
    test::TempDir dir;
    const std::string path = dir.file("result.png");
    core::writeFileAtomic(path, "previous");
    CHECK_THROWS_AS(core::writeAtomically(path, [](const std::string& tmp) {
                        core::writeFileAtomic(tmp, "half");
                        throw std::runtime_error("disk full");
                    }),
                    std::runtime_error);
    CHECK(core::readFileBytes(path) == "previous");
    size_t entries = 0;
    for (auto& e : fs::directory_iterator(dir.path())) entries += e.is_regular_file() ? 1 : 0;
    CHECK(entries == 1);
}

TEST_CASE("writing into a missing folder is a clear error", "[util]") {
    test::TempDir dir;
    try {
        core::writeFileAtomic(dir.file("no/such/folder/x.txt"), "x");
        FAIL("expected an error");
    } catch (const core::Error& e) {
        CHECK(e.code() == core::ErrorCode::Failure);
        CHECK(std::string(e.what()).find("x.txt") != std::string::npos);
    }
}

TEST_CASE("readFileBytes names a missing file", "[util]") {
    try {
        core::readFileBytes("/nonexistent/photo.png");
        FAIL("expected an error");
    } catch (const core::Error& e) {
        CHECK(e.code() == core::ErrorCode::BadInput);
        CHECK(std::string(e.what()).find("/nonexistent/photo.png") != std::string::npos);
    }
}
