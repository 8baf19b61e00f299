// chiaro-cli models import end to end: the real binary runs the real exporter on the parity kit's
// tiny diffusers model (seconds per bundle). Checks the bundles verify and are paired, the exit
// codes and one-line errors for bad inputs, and that Ctrl+C and a full disk leave no half bundle
// and the previous bundle untouched.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "chiaro/bundle/model_set.h"
#include "chiaro/core/atomic_file.h"
#include "test_support.h"

using namespace chiaro;
namespace fs = std::filesystem;

namespace {

std::string parity(const std::string& name) { return test::sharedDir() + "/parity/" + name; }
const std::string kFc = "iclight_fc_offset.safetensors";
const std::string kFbc = "iclight_fbc_offset.safetensors";

// Anything an import may leave behind besides finished bundles and pair.json.
std::vector<std::string> leftovers(const std::string& dir) {
    std::vector<std::string> names;
    if (!fs::exists(dir)) return names;
    for (const auto& e : fs::directory_iterator(dir)) {
        const std::string name = e.path().filename().string();
        if (name != "fc" && name != "fbc" && name != "pair.json") names.push_back(name);
    }
    return names;
}

size_t lines(const std::string& text) { return static_cast<size_t>(std::count(text.begin(), text.end(), '\n')); }

test::ProcessResult import(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"models", "import"};
    args.insert(args.end(), extra.begin(), extra.end());
    return test::runCli(args);
}

// An existing bundle in OUT/fc whose manifest must survive a failed import byte for byte.
std::string seedOldBundle(const std::string& out) {
    fs::create_directories(out);
    fs::copy(test::bundleDir("tiny_fc"), out + "/fc", fs::copy_options::recursive);
    return core::readFileBytes(out + "/fc/manifest.json");
}

// A float32 LoRA file: `layer`.lora_down.weight [rank, in] and .lora_up.weight [out, rank], every
// value 0.01 (written by hand: the test must not depend on the exporter's safetensors writer).
std::string writeLora(const std::string& path, const std::string& layer, int out, int in, int rank = 2) {
    const size_t downBytes = size_t(rank) * in * 4, upBytes = size_t(out) * rank * 4;
    nlohmann::json header = {
        {layer + ".lora_down.weight", {{"dtype", "F32"}, {"shape", {rank, in}}, {"data_offsets", {0, downBytes}}}},
        {layer + ".lora_up.weight",
         {{"dtype", "F32"}, {"shape", {out, rank}}, {"data_offsets", {downBytes, downBytes + upBytes}}}}};
    std::string head = header.dump();
    head.append((8 - head.size() % 8) % 8, ' ');
    std::string bytes(8, '\0');
    for (int i = 0; i < 8; ++i) bytes[size_t(i)] = char((uint64_t(head.size()) >> (8 * i)) & 0xff);
    bytes += head;
    const float value = 0.01f;
    for (size_t i = 0; i < (downBytes + upBytes) / 4; ++i) bytes.append(reinterpret_cast<const char*>(&value), 4);
    core::writeFileAtomic(path, bytes);
    return path;
}

const std::string kProjIn = "lora_unet_down_blocks_0_attentions_0_proj_in";  // tiny_sd: 8 -> 8

}  // namespace

TEST_CASE("models import exports an fc and an fbc bundle that verify and are paired", "[cli][import]") {
    test::TempDir dir;
    const std::string out = dir.file("models");
    const auto r = import({parity("tiny_sd"), "--iclight", parity(kFc), "--iclight", parity(kFbc), "--out", out,
                           "--device", "cpu", "--json", "--verbose"});
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const auto json = nlohmann::json::parse(r.out);
    CHECK(json["bundles"].size() == 2);
    CHECK(json["exporter_origin"] == "source tree");
    // The exporter's PROGRESS lines were read (logged with --verbose).
    CHECK(r.err.find("export fc: ") != std::string::npos);
    CHECK(r.err.find("export fbc: ") != std::string::npos);
    for (const char* variant : {"fc", "fbc"}) {
        const auto check = test::runCli({"models", "check", out + "/" + variant, "--device", "cpu", "--json"});
        CHECK(check.exitCode == 0);
        CHECK(nlohmann::json::parse(check.out)["variant"] == variant);
    }
    const auto pair = nlohmann::json::parse(core::readFileBytes(out + "/pair.json"));
    CHECK(pair["bundles"]["fc"]["path"] == "fc");
    CHECK(pair["bundles"]["fbc"]["path"] == "fbc");
    CHECK(pair["bundles"]["fbc"]["base"] == fs::canonical(parity("tiny_sd")).string());
    CHECK(leftovers(out).empty());
    // The app's resolution: the folder, or either bundle in it, gives both.
    const core::ModelSet set = core::resolveModelSet(out + "/fc");
    CHECK(set.fc == out + "/fc");
    CHECK(set.fbc == out + "/fbc");
}

TEST_CASE("models import refuses bad inputs with one line and the documented exit code", "[cli][import][corpus]") {
    test::TempDir dir;
    const std::string out = dir.file("models");
    const std::string old = seedOldBundle(out);
    const std::string bytes = core::readFileBytes(parity(kFc));
    core::writeFileAtomic(dir.file("cut.safetensors"), bytes.substr(0, bytes.size() - 100));
    core::writeFileAtomic(dir.file("renamed.safetensors"), core::readFileBytes(parity("tiny_sd/model_index.json")));
    fs::create_directories(dir.file("half"));
    fs::copy(parity("tiny_sd/model_index.json"), dir.file("half/model_index.json"));
    fs::copy(parity("tiny_sd/unet"), dir.file("half/unet"), fs::copy_options::recursive);
    struct Case {
        std::vector<std::string> args;
        int code;
        std::string named;
    };
    const std::vector<Case> cases = {
        {{dir.file("no_such_model"), "--iclight", parity(kFc), "--out", out}, 3, dir.file("no_such_model")},
        {{parity(kFc), "--iclight", parity(kFc), "--out", out}, 3, "not a base model"},
        {{parity("tiny_sd"), "--iclight", parity("tiny_sd"), "--out", out}, 3, "is a folder"},
        {{parity("tiny_sd"), "--iclight", dir.file("cut.safetensors"), "--out", out}, 3, dir.file("cut.safetensors")},
        {{parity("tiny_sd"), "--iclight", dir.file("renamed.safetensors"), "--out", out}, 3, "renamed.safetensors"},
        {{dir.file("half"), "--iclight", parity(kFc), "--out", out}, 3, "no vae/ folder"},
        {{parity("tiny_sd"), "--iclight", parity(kFc), "--iclight", parity(kFc), "--out", out}, 2, "both"},
        {{parity("tiny_sd"), "--iclight", parity(kFc)}, 2, "--out"},
        {{parity("tiny_sd"), "--out", out}, 2, "--iclight"},
    };
    for (const auto& c : cases) {
        const auto r = import(c.args);
        INFO(c.args[0] << " " << c.args[2] << ": " << r.err);
        CHECK(r.exitCode == c.code);
        CHECK(lines(r.err) == 1);
        CHECK(r.err.find(c.named) != std::string::npos);
    }
    CHECK(core::readFileBytes(out + "/fc/manifest.json") == old);
    CHECK(leftovers(out).empty());
}

TEST_CASE("models import merges --lora files into the bundle and records them", "[cli][import][lora]") {
    test::TempDir dir;
    const std::string out = dir.file("models");
    const std::string lora = writeLora(dir.file("style.safetensors"), kProjIn, 8, 8);
    const auto r = import({parity("tiny_sd"), "--iclight", parity(kFc), "--lora", lora + ":0.5", "--out", out,
                           "--device", "cpu"});
    INFO(r.err);
    REQUIRE(r.exitCode == 0);
    const auto manifest = nlohmann::json::parse(core::readFileBytes(out + "/fc/manifest.json"));
    REQUIRE(manifest["loras"].size() == 1);
    CHECK(manifest["loras"][0]["file"] == "style.safetensors");
    CHECK(manifest["loras"][0]["strength"] == 0.5);
    CHECK(manifest["loras"][0]["format"] == "kohya");
    const auto check = test::runCli({"models", "check", out + "/fc", "--device", "cpu", "--json"});
    REQUIRE(check.exitCode == 0);
    CHECK(nlohmann::json::parse(check.out)["loras"][0]["file"] == "style.safetensors");
}

TEST_CASE("models import refuses a bad --lora in one line before exporting", "[cli][import][lora]") {
    test::TempDir dir;
    const std::string out = dir.file("models");
    const std::string old = seedOldBundle(out);
    const std::string lora = writeLora(dir.file("style.safetensors"), kProjIn, 8, 8);
    const std::string alien = writeLora(dir.file("alien.safetensors"), "lora_unet_double_blocks_0_img_attn_qkv", 8, 8);
    const std::string wrong = writeLora(dir.file("wrong.safetensors"), "lora_unet_foo_bar", 8, 8);
    core::writeFileAtomic(dir.file("cut.safetensors"), core::readFileBytes(lora).substr(0, 40));
    struct Case {
        std::string spec;
        int code;
        std::string says;
    };
    const std::vector<Case> cases = {
        {lora + ":3", 2, lora + ": LoRA strength 3 is outside -2..2"},
        {lora + ":-2.5", 2, "outside -2..2"},
        {lora + ":strong", 2, "LoRA strength 'strong' is not a number"},
        {dir.file("missing.safetensors"), 3, "missing.safetensors: LoRA file not found"},
        {dir.file("cut.safetensors"), 3, "cut.safetensors"},
        {alien, 3, "this is a Flux LoRA"},                  // refused by the exporter
        {wrong, 3, "matches no SD1.5 UNet or text-encoder weight"},  // likewise
    };
    for (const auto& c : cases) {
        const auto r = import({parity("tiny_sd"), "--iclight", parity(kFc), "--lora", c.spec, "--out", out});
        INFO(c.spec << ": " << r.err);
        CHECK(r.exitCode == c.code);
        CHECK(lines(r.err) == 1);
        CHECK(r.err.find(c.says) != std::string::npos);
    }
    CHECK(core::readFileBytes(out + "/fc/manifest.json") == old);
    CHECK(leftovers(out).empty());
}

TEST_CASE("Ctrl+C during models import stops the exporter and leaves the old bundle", "[cli][import][cancel]") {
    test::TempDir dir;
    const std::string out = dir.file("models");
    const std::string old = seedOldBundle(out);
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        const int null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, STDOUT_FILENO);
        ::dup2(null, STDERR_FILENO);
        execl(CHIARO_CLI_PATH, CHIARO_CLI_PATH, "models", "import", parity("tiny_sd").c_str(), "--iclight",
              parity(kFc).c_str(), "--out", out.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    // Wait until the exporter writes its temporary bundle inside the staging folder.
    bool exporting = false;
    for (int i = 0; i < 600 && !exporting; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        for (const auto& name : leftovers(out)) {
            std::error_code ec;
            for (const auto& e : fs::directory_iterator(out + "/" + name, ec)) {
                exporting |= e.path().filename().string().rfind(".fc.tmp-", 0) == 0;
            }
        }
    }
    REQUIRE(exporting);
    ::kill(pid, SIGINT);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 5);
    CHECK(leftovers(out).empty());
    CHECK(core::readFileBytes(out + "/fc/manifest.json") == old);
    CHECK_FALSE(fs::exists(out + "/fbc"));
}

TEST_CASE("a disk that fills during models import leaves no half bundle", "[cli][import][fault]") {
    test::TempDir dir;
    const std::string out = dir.file("models");
    const std::string old = seedOldBundle(out);
    // Writes over 1 MiB fail (the tiny text encoder alone is 6 MB), as on a full disk.
    std::string command = "trap '' XFSZ; ulimit -f 1024; exec '" CHIARO_CLI_PATH "' models import '" +
                          parity("tiny_sd") + "' --iclight '" + parity(kFc) + "' --out '" + out + "'";
    const auto r = test::runProcess({"/bin/sh", "-c", command});
    INFO(r.err);
    CHECK(r.signal == 0);
    CHECK(r.exitCode == 1);
    CHECK(lines(r.err) == 1);
    // The exporter's words, about the folder the user named (not the hidden staging folder).
    CHECK(r.err.find(out + "/fc") != std::string::npos);
    CHECK(r.err.find("cannot write") != std::string::npos);
    CHECK(r.err.find(".chiaro-import-") == std::string::npos);
    CHECK(core::readFileBytes(out + "/fc/manifest.json") == old);
    CHECK(leftovers(out).empty());
}
