// chiaro-cli tokenize: ids as one JSON line, the bundle's tokenizer/ files, exit 4 when missing.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "test_support.h"

using chiaro::test::runCli;
using chiaro::test::TempDir;

namespace {

// A bundle folder holding only tokenizer/ (links to the shared vocab, which is not committed).
void makeTokenizerBundle(const TempDir& dir) {
    std::filesystem::create_directories(dir.file("tokenizer"));
    const std::string shared = chiaro::test::sharedDir() + "/parity/tiny_sd/tokenizer/";
    for (const char* name : {"vocab.json", "merges.txt"}) {
        std::filesystem::create_symlink(shared + name, dir.file(std::string("tokenizer/") + name));
    }
}

}  // namespace

TEST_CASE("tokenize prints BOS, ids and EOS as one JSON line", "[cli][text]") {
    TempDir bundle;
    makeTokenizerBundle(bundle);
    std::ifstream in(chiaro::test::sharedDir() + "/parity/tokenizer_cases.json");
    const nlohmann::json cases = nlohmann::json::parse(in);
    for (size_t i : {size_t{0}, size_t{7}, size_t{10}}) {
        const std::string prompt = cases.at(i).at("prompt").get<std::string>();
        INFO(prompt);
        const auto r = runCli({"tokenize", "--models", bundle.path(), prompt});
        REQUIRE(r.exitCode == 0);
        REQUIRE(!r.out.empty());
        CHECK(r.out.back() == '\n');
        CHECK(r.out.find('\n') == r.out.size() - 1);
        CHECK(nlohmann::json::parse(r.out).get<std::vector<int>>() ==
              cases.at(i).at("ids").get<std::vector<int>>());
    }
}

TEST_CASE("tokenize of an empty text is [BOS, EOS]", "[cli][text]") {
    TempDir bundle;
    makeTokenizerBundle(bundle);
    const auto r = runCli({"tokenize", "--models=" + bundle.path(), ""});
    REQUIRE(r.exitCode == 0);
    CHECK(nlohmann::json::parse(r.out) == nlohmann::json::array({49406, 49407}));
}

TEST_CASE("tokenize reads the default models folder from CHIARO_MODELS", "[cli][text]") {
    TempDir bundle;
    makeTokenizerBundle(bundle);
    const auto r = chiaro::test::runProcess({"/usr/bin/env", "CHIARO_MODELS=" + bundle.path(),
                                             CHIARO_CLI_PATH, "tokenize", "golden time"});
    REQUIRE(r.exitCode == 0);
    CHECK(nlohmann::json::parse(r.out) == nlohmann::json::array({49406, 3878, 788, 49407}));
}

TEST_CASE("tokenize without tokenizer files exits 4 naming the file", "[cli][text]") {
    TempDir empty;
    const auto r = runCli({"tokenize", "--models", empty.path(), "hello"});
    CHECK(r.exitCode == 4);
    CHECK(r.out.empty());
    CHECK(r.err.find("vocab.json") != std::string::npos);

    TempDir half;
    std::filesystem::create_directories(half.file("tokenizer"));
    std::filesystem::create_symlink(
        chiaro::test::sharedDir() + "/parity/tiny_sd/tokenizer/vocab.json",
        half.file("tokenizer/vocab.json"));
    const auto r2 = runCli({"tokenize", "--models", half.path(), "hello"});
    CHECK(r2.exitCode == 4);
    CHECK(r2.err.find("merges.txt") != std::string::npos);
}

TEST_CASE("tokenize without TEXT is a usage error", "[cli][text]") {
    CHECK(runCli({"tokenize"}).exitCode == 2);
    const auto help = runCli({"tokenize", "--help"});
    CHECK(help.exitCode == 0);
    CHECK(help.out.find("--models") != std::string::npos);
}
