#include <catch2/catch.hpp>

#include "test_support.h"

using chiaro::test::runCli;

TEST_CASE("version flag prints the version", "[cli]") {
    auto r = runCli({"--version"});
    CHECK(r.exitCode == 0);
    CHECK(r.out.rfind("chiaro-cli ", 0) == 0);
}

TEST_CASE("help lists every subcommand of the contract", "[cli]") {
    auto r = runCli({"--help"});
    REQUIRE(r.exitCode == 0);
    for (const char* cmd : {"relight", "preview", "estimate-light", "mask", "batch", "lightmap",
                            "tokenize", "info", "models", "bench"}) {
        INFO(cmd);
        CHECK(r.out.find(std::string("  ") + cmd + " ") != std::string::npos);
    }
}

TEST_CASE("no arguments and unknown commands are usage errors", "[cli]") {
    CHECK(runCli({}).exitCode == 2);
    auto r = runCli({"frobnicate"});
    CHECK(r.exitCode == 2);
    CHECK(r.err.find("frobnicate") != std::string::npos);
}

TEST_CASE("an unknown option is a usage error naming it", "[cli]") {
    auto r = runCli({"info", "--no-such-option"});
    CHECK(r.exitCode == 2);
    CHECK(r.err.find("--no-such-option") != std::string::npos);
}
