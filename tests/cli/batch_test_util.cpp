#include "batch_test_util.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "chiaro/image/png_metadata.h"
#include "test_support.h"

namespace chiaro::test::batch {
namespace fs = std::filesystem;

void writePhotos(const std::string& dir, int count) {
    fs::create_directories(dir);
    const std::string photos = chiaro::test::sharedDir() + "/data/photos/";
    const char* sources[] = {"chelsea.png", "coffee.png", "astronaut.png", "rocket.jpg"};
    for (int i = 0; i < count; ++i) {
        cv::Mat src = cv::imread(photos + sources[i % 4], cv::IMREAD_COLOR);
        REQUIRE_FALSE(src.empty());
        if (i >= 4) cv::flip(src, src, 1);
        cv::Mat small;
        const int side = 64 + 12 * i;
        cv::resize(src, small, cv::Size(side, side * 3 / 4 + 8 * (i % 2)), 0, 0, cv::INTER_AREA);
        const std::string name = dir + "/photo" + std::to_string(i + 1) + (i % 3 == 2 ? ".jpg" : ".png");
        REQUIRE(cv::imwrite(name, small));
    }
}

std::vector<std::string> batchArgs(const std::string& in, const std::string& out, std::vector<std::string> extra) {
    std::vector<std::string> args = {"batch", in, "-o", out, "--models", chiaro::test::bundleDir("tiny_fc"),
                                     "--width", "256", "--height", "256", "--steps", "4", "--highres-scale", "1",
                                     "--light", "270,0", "--threads", "1"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

std::vector<std::string> finalPngs(const std::string& out) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(out, ec)) {
        const std::string name = e.path().filename().string();
        if (name[0] != '.' && e.path().extension() == ".png" && name != "contact_sheet.png") names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::vector<std::string> temporaries(const std::string& out) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(out)) {
        if (e.path().filename().string().find(".tmp-") != std::string::npos) names.push_back(e.path().string());
    }
    return names;
}

void checkOutputs(const std::string& out, size_t expected) {
    const auto names = finalPngs(out);
    REQUIRE(names.size() == expected);
    for (const auto& name : names) {
        INFO(name);
        cv::Mat image = cv::imread(out + "/" + name, cv::IMREAD_UNCHANGED);
        CHECK_FALSE(image.empty());
        const auto chunks = chiaro::core::readPngTextChunksFromFile(out + "/" + name);
        REQUIRE(chunks.utf8.count("chiaro"));
        const auto job = nlohmann::json::parse(chunks.utf8.at("chiaro"));
        CHECK_FALSE(job["batch"]["job_key"].get<std::string>().empty());
    }
}

pid_t spawnCli(const std::vector<std::string>& args, const std::string& logPath) {
    std::vector<std::string> argv = {CHIARO_CLI_PATH};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> raw;
    for (auto& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int fd = ::open(logPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(fd, 1);
        ::dup2(fd, 2);
        ::execv(raw[0], raw.data());
        ::_exit(127);
    }
    return pid;
}

std::string readText(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace chiaro::test::batch
