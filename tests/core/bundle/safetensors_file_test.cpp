// The torch-free safetensors reader on crafted good and bad files, and on the real parity traces.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <functional>

#include "chiaro/bundle/safetensors_file.h"
#include "chiaro/core/error.h"
#include "test_support.h"

using namespace chiaro::core;
using chiaro::test::TempDir;

namespace {

std::string lengthPrefix(uint64_t n) {
    std::string bytes(8, '\0');
    for (int i = 0; i < 8; ++i)
        bytes[static_cast<size_t>(i)] = static_cast<char>((n >> (8 * i)) & 0xff);
    return bytes;
}

std::string writeFile(const TempDir& dir, const std::string& name, const std::string& contents) {
    const std::string path = dir.file(name);
    std::ofstream(path, std::ios::binary) << contents;
    return path;
}

// A file made the way the format says: length, JSON header, data.
std::string writeSafetensors(const TempDir& dir,
                             const std::string& name,
                             const std::string& header,
                             const std::string& data) {
    return writeFile(dir, name, lengthPrefix(header.size()) + header + data);
}

std::string floatBytes(std::initializer_list<float> values) {
    std::string bytes;
    for (float v : values)
        bytes.append(reinterpret_cast<const char*>(&v), sizeof v);
    return bytes;
}

// The BadInput message of opening `path`, or "" when it opened.
std::string badInputMessage(const std::string& path) {
    try {
        SafetensorsFile::open(path);
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::BadInput);
        return e.what();
    }
    return "";
}

const char* const kGoodHeader = R"({"weight":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},)"
                                R"("ids":{"dtype":"U8","shape":[3],"data_offsets":[16,19]},)"
                                R"("__metadata__":{"format":"pt"}})";

}  // namespace

TEST_CASE("a well-formed safetensors file gives its tensors' dtype, shape and bytes", "[bundle]") {
    TempDir dir;
    const std::string data =
        floatBytes({1.0f, -2.5f, 3.25f, 0.0f}) + std::string("\x07\x08\x09", 3);
    const std::string path = writeSafetensors(dir, "good.safetensors", kGoodHeader, data);
    const SafetensorsFile file = SafetensorsFile::open(path);
    CHECK(file.names() == std::vector<std::string>{"ids", "weight"});
    CHECK(file.contains("weight"));
    CHECK_FALSE(file.contains("__metadata__"));
    CHECK(file.metadata().at("format") == "pt");

    const TensorView weight = file.get("weight");
    CHECK(weight.dtype == TensorDType::F32);
    CHECK(weight.shape == std::vector<int64_t>{2, 2});
    CHECK(weight.numel() == 4);
    REQUIRE(weight.bytes == 16);
    float values[4];
    std::memcpy(values, weight.data, sizeof values);
    CHECK(values[1] == -2.5f);
    CHECK(values[2] == 3.25f);

    const TensorView ids = file.get("ids");
    CHECK(ids.dtype == TensorDType::U8);
    REQUIRE(ids.bytes == 3);
    CHECK(ids.data[2] == 9);
    CHECK(std::string(tensorDTypeName(ids.dtype)) == "U8");
    CHECK(tensorDTypeSize(TensorDType::BF16) == 2);
}

TEST_CASE("views stay valid while a copy of the file object lives", "[bundle]") {
    TempDir dir;
    const std::string path =
        writeSafetensors(dir, "copy.safetensors", kGoodHeader, floatBytes({4, 5, 6, 7}) + "abc");
    TensorView view;
    SafetensorsFile copy = [&] {
        const SafetensorsFile original = SafetensorsFile::open(path);
        view = original.get("weight");
        return original;
    }();
    float last = 0;
    std::memcpy(&last, view.data + 12, sizeof last);
    CHECK(last == 7.0f);
    CHECK(copy.get("ids").data[0] == 'a');
}

TEST_CASE("scalars, empty tensors and padding before the data are accepted", "[bundle]") {
    TempDir dir;
    const std::string header = R"({"s":{"dtype":"I64","shape":[],"data_offsets":[0,8]},)"
                               R"("e":{"dtype":"F16","shape":[0,3],"data_offsets":[8,8]}})"
                               "        ";  // writers pad the header with spaces to align the data
    int64_t value = -42;
    const std::string path = writeSafetensors(
        dir, "scalar.safetensors", header, std::string(reinterpret_cast<const char*>(&value), 8));
    const SafetensorsFile file = SafetensorsFile::open(path);
    const TensorView s = file.get("s");
    CHECK(s.shape.empty());
    CHECK(s.numel() == 1);
    int64_t read = 0;
    std::memcpy(&read, s.data, 8);
    CHECK(read == -42);
    CHECK(file.get("e").bytes == 0);
    CHECK(file.get("e").numel() == 0);
}

TEST_CASE("the parity trace reads as the reference wrote it", "[bundle]") {
    const std::string path = chiaro::test::sharedDir() + "/parity/fc_left/trace.safetensors";
    const SafetensorsFile trace = SafetensorsFile::open(path);
    CHECK(trace.contains("pass1.step05.latent_out"));
    const TensorView sigmas = trace.get("pass1.all_sigmas");
    CHECK(sigmas.dtype == TensorDType::F32);
    CHECK(sigmas.shape == std::vector<int64_t>{8});
    float first = 0;
    float last = -1;
    std::memcpy(&first, sigmas.data, 4);
    std::memcpy(&last, sigmas.data + 28, 4);
    CHECK(first == Approx(25.146116f));  // IC-Light's sigma_max for linear betas
    CHECK(last == 0.0f);
    const TensorView image = trace.get("output_uint8");
    CHECK(image.dtype == TensorDType::U8);
    CHECK(image.shape == std::vector<int64_t>{256, 256, 3});
}

TEST_CASE("damaged safetensors files are BadInput errors naming the file and tensor", "[bundle]") {
    TempDir dir;
    const std::string goodData = floatBytes({1, 2, 3, 4}) + "xyz";

    SECTION("missing file") {
        CHECK_THAT(badInputMessage(dir.file("absent.safetensors")),
                   Catch::Contains("absent.safetensors"));
    }
    SECTION("shorter than the length prefix") {
        const std::string path = writeFile(dir, "short.safetensors", "abc");
        CHECK_THAT(badInputMessage(path),
                   Catch::Contains("short.safetensors") && Catch::Contains("too short"));
    }
    SECTION("empty file") {
        CHECK_THAT(badInputMessage(writeFile(dir, "empty.safetensors", "")),
                   Catch::Contains("too short"));
    }
    SECTION("header length past the end of the file") {
        const std::string path = writeFile(dir, "long.safetensors", lengthPrefix(4096) + "{}");
        CHECK_THAT(badInputMessage(path),
                   Catch::Contains("long.safetensors") && Catch::Contains("header length"));
    }
    SECTION("absurd header length") {
        const std::string path = writeFile(dir, "huge.safetensors", lengthPrefix(~0ULL) + "{}");
        CHECK_THAT(badInputMessage(path), Catch::Contains("header length"));
    }
    SECTION("truncated data") {
        const std::string full = lengthPrefix(std::strlen(kGoodHeader)) + kGoodHeader + goodData;
        const std::string path = writeFile(dir, "cut.safetensors", full.substr(0, full.size() - 5));
        CHECK_THAT(badInputMessage(path), Catch::Contains("cut.safetensors") &&
                                              Catch::Contains("'ids'") &&
                                              Catch::Contains("outside"));
    }
    SECTION("malformed JSON") {
        const std::string path =
            writeSafetensors(dir, "json.safetensors", R"({"a":{"dtype":"F32",)", "");
        CHECK_THAT(badInputMessage(path),
                   Catch::Contains("json.safetensors") && Catch::Contains("JSON"));
    }
    SECTION("JSON that is not an object") {
        CHECK_THAT(badInputMessage(writeSafetensors(dir, "array.safetensors", "[1,2]", "")),
                   Catch::Contains("not an object"));
    }
    SECTION("offsets out of range") {
        const std::string path = writeSafetensors(
            dir, "range.safetensors", R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[8,24]}})",
            floatBytes({1, 2, 3, 4}));
        CHECK_THAT(badInputMessage(path), Catch::Contains("'w'") && Catch::Contains("outside"));
    }
    SECTION("offsets reversed") {
        const std::string path = writeSafetensors(
            dir, "reversed.safetensors", R"({"w":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}})",
            floatBytes({1}));
        CHECK_THAT(badInputMessage(path), Catch::Contains("'w'"));
    }
    SECTION("overlapping tensors") {
        const std::string header = R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,12]},)"
                                   R"("b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})";
        const std::string path =
            writeSafetensors(dir, "overlap.safetensors", header, floatBytes({1, 2, 3, 4}));
        CHECK_THAT(badInputMessage(path), Catch::Contains("overlap.safetensors") &&
                                              Catch::Contains("overlap") &&
                                              Catch::Contains("'a'") && Catch::Contains("'b'"));
    }
    SECTION("byte size that does not match the shape") {
        const std::string path = writeSafetensors(
            dir, "size.safetensors", R"({"w":{"dtype":"F16","shape":[2,2],"data_offsets":[0,16]}})",
            floatBytes({1, 2, 3, 4}));
        CHECK_THAT(badInputMessage(path), Catch::Contains("'w'") && Catch::Contains("shape"));
    }
    SECTION("shape whose byte count overflows") {
        const std::string path = writeSafetensors(
            dir, "overflow.safetensors",
            R"({"w":{"dtype":"F32","shape":[4611686018427387904,8],"data_offsets":[0,16]}})",
            floatBytes({1, 2, 3, 4}));
        CHECK_THAT(badInputMessage(path), Catch::Contains("'w'"));
    }
    SECTION("negative extent") {
        const std::string path = writeSafetensors(
            dir, "negative.safetensors",
            R"({"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", floatBytes({1}));
        CHECK_THAT(badInputMessage(path), Catch::Contains("'w'") && Catch::Contains("negative"));
    }
    SECTION("unknown dtype") {
        const std::string path = writeSafetensors(
            dir, "dtype.safetensors",
            R"({"w":{"dtype":"F8_E4M3","shape":[4],"data_offsets":[0,4]}})", floatBytes({1}));
        CHECK_THAT(badInputMessage(path), Catch::Contains("'w'") && Catch::Contains("F8_E4M3"));
    }
    SECTION("entry without offsets") {
        const std::string path = writeSafetensors(
            dir, "nooffsets.safetensors", R"({"w":{"dtype":"F32","shape":[1]}})", floatBytes({1}));
        CHECK_THAT(badInputMessage(path),
                   Catch::Contains("'w'") && Catch::Contains("data_offsets"));
    }
    SECTION("metadata that is not a string map") {
        const std::string path =
            writeSafetensors(dir, "meta.safetensors", R"({"__metadata__":{"n":3}})", "");
        CHECK_THAT(badInputMessage(path), Catch::Contains("__metadata__"));
    }
}

TEST_CASE("asking for an absent tensor names the file and the tensor", "[bundle]") {
    TempDir dir;
    const std::string path =
        writeSafetensors(dir, "names.safetensors", kGoodHeader, floatBytes({1, 2, 3, 4}) + "xyz");
    const SafetensorsFile file = SafetensorsFile::open(path);
    try {
        file.get("bias");
        FAIL("expected an error");
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::BadInput);
        CHECK_THAT(std::string(e.what()),
                   Catch::Contains("names.safetensors") && Catch::Contains("'bias'"));
    }
}
