// Batch planning: scan, names, masks, shards, skip-existing.
#include <filesystem>
#include <fstream>
#include <set>

#include <catch2/catch.hpp>

#include "chiaro/core/error.h"
#include "chiaro/jobs/batch_plan.h"
#include "test_support.h"

using namespace chiaro;
using core::BatchMaskSource;
namespace fs = std::filesystem;

namespace {
void touch(const std::string& path) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path) << "x";
}

std::vector<std::string> names(const std::vector<core::BatchItem>& items) {
    std::vector<std::string> out;
    for (const auto& i : items) out.push_back(fs::path(i.outputPath).filename().string());
    return out;
}
}  // namespace

TEST_CASE("scanInputFolder lists photos sorted, skipping hidden files and the output folder", "[jobs]") {
    test::TempDir dir;
    for (auto name : {"b.JPG", "a.png", ".hidden.png", "notes.txt", "sub/c.webp", "out/old.png", ".cache/d.png"}) {
        touch(dir.file(name));
    }
    const std::vector<std::string> exts = {".png", ".jpg", ".webp"};
    auto flat = core::scanInputFolder(dir.path(), false, exts);
    REQUIRE(flat.size() == 2);
    CHECK(fs::path(flat[0]).filename() == "a.png");
    CHECK(fs::path(flat[1]).filename() == "b.JPG");
    auto deep = core::scanInputFolder(dir.path(), true, exts, dir.file("out"));
    std::vector<std::string> rel;
    for (auto& p : deep) rel.push_back(fs::path(p).lexically_relative(fs::canonical(dir.path())).generic_string());
    CHECK(rel == std::vector<std::string>{"a.png", "b.JPG", "sub/c.webp"});
    CHECK_THROWS_MATCHES(core::scanInputFolder(dir.file("nope"), false, exts), core::Error,
                         Catch::Predicate<core::Error>([](const core::Error& e) {
                             return e.code() == core::ErrorCode::BadInput;
                         }));
}

TEST_CASE("expandNamePattern fills placeholders and keeps names safe", "[jobs]") {
    core::LightDirection left{270, 20};
    CHECK(core::expandNamePattern("{name}_{light}_{seed}.png", "shoes/red", left, 42, 3) == "shoes_red_az270_el20_42.png");
    CHECK(core::expandNamePattern("{stem}-{index}", "shoes/red", std::nullopt, 1, 3) == "red-3.png");
    CHECK(core::expandNamePattern("{stem}_{light}.PNG", "a", core::LightDirection{22.5, -10}, 1, 1) == "a_az22.5_el-10.PNG");
    CHECK(core::expandNamePattern("{stem}_{light}", "a", std::nullopt, 1, 1) == "a_none.png");
    CHECK(core::expandNamePattern("{name}:x?.png", ".a", std::nullopt, 1, 1) == "_a_x_.png");
    CHECK(core::expandNamePattern("{date}", "a", std::nullopt, 1, 1).size() == 12);
    CHECK_THROWS_AS(core::expandNamePattern("{nope}.png", "a", std::nullopt, 1, 1), core::Error);
    CHECK_THROWS_AS(core::expandNamePattern("{name.png", "a", std::nullopt, 1, 1), core::Error);
    CHECK_THROWS_AS(core::expandNamePattern("name}.png", "a", std::nullopt, 1, 1), core::Error);
}

TEST_CASE("parseShard and inShard split a catalogue exactly once", "[jobs]") {
    int index = -1, count = -1;
    core::parseShard("2/3", index, count);
    CHECK(index == 1);
    CHECK(count == 3);
    for (auto bad : {"0/3", "4/3", "3", "a/b", "1/0", "1/2x", ""}) CHECK_THROWS_AS(core::parseShard(bad, index, count), core::Error);
    int perShard[3] = {0, 0, 0};
    for (int i = 0; i < 300; ++i) {
        const std::string name = "photo_" + std::to_string(i);
        int owners = 0;
        for (int s = 0; s < 3; ++s) {
            if (core::inShard(name, s, 3)) ++owners, ++perShard[s];
        }
        CHECK(owners == 1);
    }
    for (int s = 0; s < 3; ++s) CHECK(perShard[s] > 60);  // roughly balanced
    CHECK(core::inShard("anything", 0, 1));
}

TEST_CASE("planBatch resolves masks, sweeps, shards and existing outputs", "[jobs]") {
    test::TempDir dir;
    const std::string in = dir.file("in"), out = dir.file("out"), masks = dir.file("masks");
    for (auto name : {"in/a.jpg", "in/a_mask.png", "in/b.png", "in/c.png", "masks/c_mask.png", "in/face_mask.jpg"}) touch(dir.file(name));
    fs::create_directories(out);

    core::BatchOptions options;
    options.inputDir = in;
    options.outputDir = out;
    options.maskDir = masks;
    options.namePattern = "{name}_{light}.png";
    auto items = core::planBatch(options, core::LightDirection{90, 0}, 7);
    // face_mask.jpg has no photo "face": it is a photo, not a mask.
    CHECK(names(items) == std::vector<std::string>{"a_az90_el0.png", "b_az90_el0.png", "c_az90_el0.png", "face_mask_az90_el0.png"});
    CHECK(fs::path(items[0].maskPath).filename() == "a_mask.png");
    CHECK(items[1].maskPath.empty());
    CHECK(fs::path(items[2].maskPath).parent_path().filename() == "masks");
    CHECK(items[0].relativeName == "a");
    CHECK(fs::path(items[0].outputPath).is_absolute());

    touch(out + "/b_az90_el0.png");
    options.lights = {core::LightDirection{0, 0}, core::LightDirection{90, 0}};
    options.maskSource = BatchMaskSource::None;
    items = core::planBatch(options, std::nullopt, 7);
    REQUIRE(items.size() == 8);
    CHECK(items[0].maskPath.empty());
    int existing = 0;
    for (const auto& item : items) existing += item.outputExists ? 1 : 0;
    CHECK(existing == 1);

    std::multiset<std::string> all;
    for (int s = 0; s < 3; ++s) {
        options.shardIndex = s;
        options.shardCount = 3;
        for (const auto& item : core::planBatch(options, std::nullopt, 7)) all.insert(item.outputPath);
    }
    CHECK(all.size() == 8);
    CHECK(std::set<std::string>(all.begin(), all.end()).size() == 8);

    options.shardIndex = 0;
    options.shardCount = 1;
    options.namePattern = "out.png";  // every photo to one name
    CHECK_THROWS_AS(core::planBatch(options, std::nullopt, 7), core::Error);
    options.namePattern = "{name}.png";
    options.maskSource = BatchMaskSource::Single;
    options.singleMaskPath = dir.file("missing.png");
    CHECK_THROWS_AS(core::planBatch(options, std::nullopt, 7), core::Error);
}

TEST_CASE("parseBatchMaskSource", "[jobs]") {
    bool fallback = false;
    CHECK(core::parseBatchMaskSource("auto", &fallback) == BatchMaskSource::Segmenter);
    CHECK(fallback);
    CHECK(core::parseBatchMaskSource("match", &fallback) == BatchMaskSource::Matching);
    CHECK_FALSE(fallback);
    CHECK(core::parseBatchMaskSource("grabcut") == BatchMaskSource::GrabCut);
    CHECK(std::string(core::batchMaskSourceName(BatchMaskSource::Single)) == "single");
    CHECK_THROWS_AS(core::parseBatchMaskSource("magic"), core::Error);
}
