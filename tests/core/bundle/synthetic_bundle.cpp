#include "synthetic_bundle.h"

#include <filesystem>
#include <fstream>
#include <random>

#include "chiaro/bundle/sha256.h"

namespace chiaro::test {
namespace fs = std::filesystem;

namespace {

std::string randomBytes(size_t size, uint32_t seed) {
    std::mt19937 rng(seed);
    std::string bytes(size, '\0');
    for (char& c : bytes) c = static_cast<char>(rng() & 0xFF);
    return bytes;
}

void writeFile(const std::string& path, const std::string& bytes) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}

}  // namespace

nlohmann::json writeSyntheticBundle(const std::string& dir, const std::string& variant) {
    const std::pair<const char*, const char*> files[] = {
        {"text_encoder", "text_encoder.pt"}, {"unet", "unet.pt"},
        {"vae_encoder", "vae_encoder.pt"},   {"vae_decoder", "vae_decoder.pt"},
        {"vocab", "tokenizer/vocab.json"},   {"merges", "tokenizer/merges.txt"}};
    nlohmann::json entries = nlohmann::json::object();
    uint32_t seed = 1;
    for (const auto& [name, rel] : files) {
        size_t size = std::string(name) == "unet" ? (1 << 20) + 4099 : 3000 + 17 * seed;
        std::string bytes = randomBytes(size, seed++);
        writeFile(dir + "/" + rel, bytes);
        entries[name] = {{"path", rel}, {"sha256", core::sha256Hex(bytes)}, {"bytes", bytes.size()}};
    }
    nlohmann::json manifest = {
        {"format", "chiaro-bundle"}, {"format_version", 1}, {"variant", variant},
        {"concat_channels", variant == "fbc" ? 8 : 4}, {"latent_channels", 4},
        {"vae_scale_factor", 8}, {"scaling_factor", 0.18215},
        {"text", {{"max_length", 77}, {"hidden_size", 32}, {"bos_id", 49406}, {"eos_id", 49407},
                  {"pad_id", 49407}}},
        {"files", entries}, {"source", {{"kind", "synthetic"}}},
        {"architecture", {{"unet", {{"in_channels", variant == "fbc" ? 12 : 8}}}}},
        {"exporter_version", "test"}};
    writeManifest(dir, manifest);
    return manifest;
}

void writeManifest(const std::string& dir, const nlohmann::json& manifest) {
    writeFile(dir + "/manifest.json", manifest.dump(2));
}

void flipByte(const std::string& path, size_t offset) {
    std::fstream file(path, std::ios::binary | std::ios::in | std::ios::out);
    file.seekg(std::streamoff(offset));
    char c = 0;
    file.get(c);
    file.seekp(std::streamoff(offset));
    file.put(static_cast<char>(c ^ 0x01));
}

}  // namespace chiaro::test
