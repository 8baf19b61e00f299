// The tokenizer against reference ids: OpenAI CLIP's own output (shared parity kit) and a CPython
// re-run of SimpleTokenizer on harder inputs (tools/gen_tokenizer_reference.py).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "chiaro/core/error.h"
#include "chiaro/text/clip_tokenizer.h"
#include "test_support.h"
#include "tokenizer_test_support.h"

using chiaro::core::ClipTokenizer;
using chiaro::core::Error;
using chiaro::core::ErrorCode;
using chiaro::test::sharedTokenizer;
using chiaro::test::sharedTokenizerDir;

namespace {

nlohmann::json readJson(const std::string& path) {
    std::ifstream in(path);
    REQUIRE(in.good());
    return nlohmann::json::parse(in);
}

std::string fromHex(const std::string& hex) {
    std::string bytes;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) {
        bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    }
    return bytes;
}

void writeFile(const std::string& path, const std::string& content) {
    std::ofstream(path, std::ios::binary) << content;
}

ErrorCode loadError(const std::string& vocab, const std::string& merges, std::string& message) {
    try {
        ClipTokenizer::fromFiles(vocab, merges);
    } catch (const Error& e) {
        message = e.what();
        return e.code();
    }
    return ErrorCode::Ok;
}

}  // namespace

TEST_CASE("every case of the CLIP parity kit gives OpenAI's ids", "[text]") {
    const nlohmann::json cases =
        readJson(chiaro::test::sharedDir() + "/parity/tokenizer_cases.json");
    REQUIRE(cases.size() >= 19);
    const ClipTokenizer& tokenizer = sharedTokenizer();
    for (const auto& c : cases) {
        const std::string prompt = c.at("prompt").get<std::string>();
        INFO(prompt);
        std::vector<int> ids{tokenizer.bosId()};
        for (int id : tokenizer.encode(prompt))
            ids.push_back(id);
        ids.push_back(tokenizer.eosId());
        CHECK(ids == c.at("ids").get<std::vector<int>>());
    }
}

TEST_CASE("the tokenizer matches CPython's SimpleTokenizer on entities, Unicode and bad UTF-8",
          "[text]") {
    const nlohmann::json reference =
        readJson(chiaro::test::sourceDir() + "/tests/core/text/data/python_reference_cases.json");
    const auto& cases = reference.at("cases");
    REQUIRE(cases.size() >= 200);
    size_t mismatches = 0;
    for (const auto& c : cases) {
        const std::string text = fromHex(c.at("utf8_hex").get<std::string>());
        INFO("utf8_hex " << c.at("utf8_hex").get<std::string>());
        const bool same = sharedTokenizer().encode(text) == c.at("ids").get<std::vector<int>>();
        CHECK(same);
        mismatches += same ? 0 : 1;
    }
    CHECK(mismatches == 0);
}

TEST_CASE("a bundle folder's tokenizer/ gives the same tokenizer", "[text]") {
    chiaro::test::TempDir dir;
    std::filesystem::create_directories(dir.file("tokenizer"));
    for (const char* name : {"vocab.json", "merges.txt"}) {
        std::filesystem::create_symlink(sharedTokenizerDir() + "/" + name,
                                        dir.file(std::string("tokenizer/") + name));
    }
    const ClipTokenizer fromBundle = ClipTokenizer::fromBundleDir(dir.path());
    CHECK(fromBundle.bosId() == 49406);
    CHECK(fromBundle.eosId() == 49407);
    CHECK(fromBundle.vocabSize() == 49408);
    CHECK(fromBundle.encode("golden time") == std::vector<int>{3878, 788});
}

TEST_CASE("missing or malformed tokenizer files are bundle errors naming the file", "[text]") {
    chiaro::test::TempDir dir;
    const std::string vocab = sharedTokenizerDir() + "/vocab.json";
    const std::string merges = sharedTokenizerDir() + "/merges.txt";
    std::string message;

    CHECK(loadError(dir.file("nope.json"), merges, message) == ErrorCode::ModelBundle);
    CHECK(message.find("nope.json") != std::string::npos);
    CHECK(loadError(vocab, dir.file("nope.txt"), message) == ErrorCode::ModelBundle);
    CHECK(message.find("nope.txt") != std::string::npos);

    writeFile(dir.file("broken.json"), "{\"a\": 1,");
    CHECK(loadError(dir.file("broken.json"), merges, message) == ErrorCode::ModelBundle);
    CHECK(message.find("broken.json") != std::string::npos);

    writeFile(dir.file("nospecial.json"), "{\"a\": 0, \"b</w>\": 1}");
    CHECK(loadError(dir.file("nospecial.json"), merges, message) == ErrorCode::ModelBundle);
    CHECK(message.find("<|startoftext|>") != std::string::npos);

    writeFile(dir.file("badmerges.txt"), "#version: 0.2\ni n\nthree parts here\n");
    CHECK(loadError(vocab, dir.file("badmerges.txt"), message) == ErrorCode::ModelBundle);
    CHECK(message.find("badmerges.txt") != std::string::npos);
    CHECK(message.find("line 3") != std::string::npos);

    writeFile(dir.file("empty.txt"), "#version: 0.2\n");
    CHECK(loadError(vocab, dir.file("empty.txt"), message) == ErrorCode::ModelBundle);
}
