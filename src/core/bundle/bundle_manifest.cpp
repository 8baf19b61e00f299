#include "chiaro/bundle/bundle_manifest.h"

#include <cctype>
#include <cmath>
#include <filesystem>
#include <limits>

#include "chiaro/bundle/sha256.h"
#include "chiaro/core/atomic_file.h"
#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"

namespace chiaro::core {
namespace fs = std::filesystem;
using nlohmann::json;
namespace {

// Validates fields of one manifest and names it in every message.
class ManifestReader {
public:
    explicit ManifestReader(std::string manifestPath) : m_path(std::move(manifestPath)) {}

    [[noreturn]] void fail(const std::string& problem) const {
        throw Error(ErrorCode::ModelBundle, m_path + ": " + problem);
    }

    const json& field(const json& object, const std::string& key, const std::string& where) const {
        auto it = object.find(key);
        if (it == object.end()) fail("missing field '" + where + key + "'");
        return *it;
    }

    const json& objectField(const json& object, const std::string& key,
                            const std::string& where = "") const {
        const json& value = field(object, key, where);
        if (!value.is_object()) fail("field '" + where + key + "' must be an object");
        return value;
    }

    std::string stringField(const json& object, const std::string& key,
                            const std::string& where = "") const {
        const json& value = field(object, key, where);
        if (!value.is_string()) fail("field '" + where + key + "' must be a string");
        return value.get<std::string>();
    }

    int64_t integerField(const json& object, const std::string& key, int64_t min, int64_t max,
                         const std::string& where = "") const {
        const json& value = field(object, key, where);
        if (!value.is_number_integer()) fail("field '" + where + key + "' must be an integer");
        if (value.is_number_unsigned() && value.get<uint64_t>() > uint64_t(max)) {
            fail("field '" + where + key + "' is out of range");
        }
        int64_t n = value.get<int64_t>();
        if (n < min || n > max) {
            fail("field '" + where + key + "' is " + std::to_string(n) + ", expected " +
                 std::to_string(min) + ".." + std::to_string(max));
        }
        return n;
    }

    int intField(const json& object, const std::string& key, int min,
                 const std::string& where = "") const {
        return int(integerField(object, key, min, std::numeric_limits<int>::max(), where));
    }

    json optionalObject(const json& object, const std::string& key) const {
        auto it = object.find(key);
        if (it == object.end() || it->is_null()) return json::object();
        if (!it->is_object()) fail("field '" + key + "' must be an object");
        return *it;
    }

    const std::string& path() const { return m_path; }

private:
    std::string m_path;
};

bool isLowerHex64(const std::string& text) {
    if (text.size() != 64) return false;
    for (char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

// A listed path must stay inside the bundle: the loader never follows a manifest out of its folder.
bool escapesFolder(const std::string& relative) {
    fs::path p(relative);
    if (relative.empty() || p.is_absolute() || p.has_root_name() || p.has_root_directory()) {
        return true;
    }
    for (const auto& part : p) {
        if (part == "..") return true;
    }
    return false;
}

BundleFile readFileEntry(const ManifestReader& reader, const std::string& name, const json& entry) {
    const std::string where = "files." + name + ".";
    if (!entry.is_object()) reader.fail("field 'files." + name + "' must be an object");
    BundleFile file;
    file.name = name;
    file.path = reader.stringField(entry, "path", where);
    if (escapesFolder(file.path)) {
        reader.fail("field '" + where + "path' is '" + file.path +
                    "', which leaves the bundle folder (absolute or '..' paths are refused)");
    }
    std::string sha = reader.stringField(entry, "sha256", where);
    for (char& c : sha) c = char(std::tolower(static_cast<unsigned char>(c)));
    if (!isLowerHex64(sha)) reader.fail("field '" + where + "sha256' is not 64 hex digits");
    file.sha256 = sha;
    file.bytes = uint64_t(reader.integerField(entry, "bytes", 0,
                                              std::numeric_limits<int64_t>::max(), where));
    return file;
}

void readFiles(const ManifestReader& reader, const json& root, BundleManifest& manifest) {
    const json& files = reader.objectField(root, "files");
    for (const char* required : kRequiredBundleFiles) {
        if (!files.contains(required)) {
            reader.fail(std::string("missing field 'files.") + required + "' (every bundle lists it)");
        }
    }
    for (const auto& [name, entry] : files.items()) {
        manifest.files[name] = readFileEntry(reader, name, entry);
    }
}

void readFormat(const ManifestReader& reader, const json& root, BundleManifest& manifest) {
    if (!root.contains("format")) reader.fail("missing field 'format' (not a Chiaro model bundle?)");
    std::string format = reader.stringField(root, "format");
    if (format != "chiaro-bundle") {
        reader.fail("field 'format' is '" + format + "', expected 'chiaro-bundle'");
    }
    const json& version = reader.field(root, "format_version", "");
    if (!version.is_number_integer()) reader.fail("field 'format_version' must be an integer");
    int64_t v = version.get<int64_t>();
    if (v > kBundleFormatVersion) {
        reader.fail("made by a newer Chiaro: format_version " + std::to_string(v) +
                    ", this build reads " + std::to_string(kBundleFormatVersion));
    }
    if (v < 1) reader.fail("format_version " + std::to_string(v) + " is not valid");
    manifest.formatVersion = int(v);
}

void readModelShape(const ManifestReader& reader, const json& root, BundleManifest& manifest) {
    manifest.variant = reader.stringField(root, "variant");
    manifest.concatChannels = reader.intField(root, "concat_channels", 1);
    int expected = manifest.variant == "fc" ? 4 : manifest.variant == "fbc" ? 8 : 0;
    if (expected == 0) {
        reader.fail("field 'variant' is '" + manifest.variant + "', expected 'fc' or 'fbc'");
    }
    if (manifest.concatChannels != expected) {
        reader.fail("concat_channels " + std::to_string(manifest.concatChannels) +
                    " does not match variant '" + manifest.variant + "' (which has " +
                    std::to_string(expected) + ")");
    }
    // The engine's latent and image shapes assume SD1.x's VAE; refuse others up front.
    manifest.latentChannels = reader.intField(root, "latent_channels", 1);
    if (manifest.latentChannels != 4) reader.fail("latent_channels must be 4 (SD1.x VAE)");
    manifest.vaeScaleFactor = reader.intField(root, "vae_scale_factor", 1);
    if (manifest.vaeScaleFactor != 8) reader.fail("vae_scale_factor must be 8 (SD1.x VAE)");
    const json& scaling = reader.field(root, "scaling_factor", "");
    if (!scaling.is_number() || !std::isfinite(scaling.get<double>()) || scaling.get<double>() <= 0) {
        reader.fail("field 'scaling_factor' must be a positive number");
    }
    manifest.scalingFactor = scaling.get<double>();
}

void readText(const ManifestReader& reader, const json& root, BundleManifest& manifest) {
    const json& text = reader.objectField(root, "text");
    manifest.maxLength = reader.intField(text, "max_length", 3, "text.");
    manifest.hiddenSize = reader.intField(text, "hidden_size", 1, "text.");
    manifest.bosId = reader.intField(text, "bos_id", 0, "text.");
    manifest.eosId = reader.intField(text, "eos_id", 0, "text.");
    manifest.padId = reader.intField(text, "pad_id", 0, "text.");
}

BundleLora readLoraEntry(const ManifestReader& reader, size_t index, const json& entry) {
    const std::string item = "loras[" + std::to_string(index) + "]";
    const std::string where = item + ".";
    if (!entry.is_object()) reader.fail("field '" + item + "' must be an object");
    BundleLora lora;
    lora.file = reader.stringField(entry, "file", where);
    lora.sha256 = reader.stringField(entry, "sha256", where);
    if (!isLowerHex64(lora.sha256)) reader.fail("field '" + where + "sha256' is not 64 hex digits");
    lora.format = reader.stringField(entry, "format", where);
    const json& strength = reader.field(entry, "strength", where);
    if (!strength.is_number() || !std::isfinite(strength.get<double>()) ||
        std::fabs(strength.get<double>()) > 2.0) {
        reader.fail("field '" + where + "strength' must be a number in -2..2");
    }
    lora.strength = strength.get<double>();
    auto fast = entry.find("fast");
    if (fast != entry.end() && !fast->is_boolean()) {
        reader.fail("field '" + where + "fast' must be true or false");
    }
    lora.fast = fast != entry.end() && fast->get<bool>();
    return lora;
}

// The optional "loras" array (exporter 1.x with --lora); absent or null means no LoRA.
void readLoras(const ManifestReader& reader, const json& root, BundleManifest& manifest) {
    auto it = root.find("loras");
    if (it == root.end() || it->is_null()) return;
    if (!it->is_array()) reader.fail("field 'loras' must be an array");
    for (size_t i = 0; i < it->size(); ++i) {
        manifest.loras.push_back(readLoraEntry(reader, i, (*it)[i]));
    }
}

std::string parseErrorText(const json::parse_error& e) {
    std::string what = e.what();
    auto bracket = what.find("] ");
    return bracket == std::string::npos ? what : what.substr(bracket + 2);
}

// Replaces the manifest's special ids by the vocabulary's when they differ (see the header).
void useTokenizerSpecialIds(BundleManifest& manifest, const std::string& manifestPath) {
    std::error_code ec;
    const std::string vocabPath = manifest.filePath("vocab");
    if (!fs::is_regular_file(vocabPath, ec)) return;
    std::string vocab;
    try {
        vocab = readFileBytes(vocabPath);
    } catch (const Error&) {
        return;  // verification names the unreadable file
    }
    const int bos = findVocabId(vocab, "<|startoftext|>");
    const int eos = findVocabId(vocab, "<|endoftext|>");
    if (bos < 0 || eos < 0) return;  // not a CLIP vocabulary: the tokenizer refuses it by name
    if (manifest.bosId == bos && manifest.eosId == eos && manifest.padId == eos) return;
    coreLog().warn("{}: text.bos_id/eos_id/pad_id are {}/{}/{} (an exporter before 1.3 copied them "
                   "from the base's text_encoder/config.json); using the tokenizer's {}/{}/{}. "
                   "Re-export the bundle with models/export.py to fix the file",
                   manifestPath, manifest.bosId, manifest.eosId, manifest.padId, bos, eos, eos);
    manifest.bosId = bos;
    manifest.eosId = eos;
    manifest.padId = eos;
    manifest.specialIdsCorrected = true;
}

}  // namespace

int findVocabId(const std::string& vocabJson, const std::string& token) {
    const std::string key = "\"" + token + "\"";
    size_t at = vocabJson.find(key);
    if (at == std::string::npos) return -1;
    at += key.size();
    auto skipSpace = [&] {
        while (at < vocabJson.size() && std::isspace(static_cast<unsigned char>(vocabJson[at]))) ++at;
    };
    skipSpace();
    if (at >= vocabJson.size() || vocabJson[at] != ':') return -1;
    ++at;
    skipSpace();
    int64_t id = 0;
    size_t digits = 0;
    while (at < vocabJson.size() && std::isdigit(static_cast<unsigned char>(vocabJson[at])) && digits < 9) {
        id = id * 10 + (vocabJson[at++] - '0');
        ++digits;
    }
    return digits == 0 ? -1 : int(id);
}

bool BundleManifest::hasFastLora() const {
    for (const BundleLora& lora : loras) {
        if (lora.fast) return true;
    }
    return false;
}

std::string BundleManifest::filePath(const std::string& name) const {
    auto it = files.find(name);
    if (it == files.end()) {
        throw Error(ErrorCode::ModelBundle, dir + "/manifest.json: lists no file '" + name + "'");
    }
    return (fs::path(dir) / it->second.path).string();
}

BundleManifest parseBundleManifest(const json& root, const std::string& dir,
                                   const std::string& manifestPath) {
    ManifestReader reader(manifestPath);
    if (!root.is_object()) reader.fail("expected a JSON object");
    BundleManifest manifest;
    manifest.dir = dir;
    readFormat(reader, root, manifest);
    readModelShape(reader, root, manifest);
    readText(reader, root, manifest);
    readFiles(reader, root, manifest);
    manifest.architecture = reader.optionalObject(root, "architecture");
    manifest.source = reader.optionalObject(root, "source");
    readLoras(reader, root, manifest);
    return manifest;
}

BundleManifest readBundleManifest(const std::string& dir) {
    std::error_code ec;
    fs::path folder = fs::absolute(dir.empty() ? fs::path(".") : fs::path(dir), ec).lexically_normal();
    if (folder.has_filename() == false && folder.has_parent_path()) folder = folder.parent_path();
    if (!fs::exists(folder, ec)) {
        throw Error(ErrorCode::ModelBundle, dir + ": model bundle folder not found");
    }
    if (!fs::is_directory(folder, ec)) {
        throw Error(ErrorCode::ModelBundle,
                    dir + ": not a folder (a model bundle is a folder with manifest.json)");
    }
    const std::string manifestPath = (folder / "manifest.json").string();
    if (!fs::is_regular_file(manifestPath, ec)) {
        throw Error(ErrorCode::ModelBundle,
                    manifestPath + ": not found (is " + dir + " a Chiaro model bundle folder?)");
    }
    std::string bytes;
    try {
        bytes = readFileBytes(manifestPath);
    } catch (const Error& e) {
        throw Error(ErrorCode::ModelBundle, e.what());
    }
    json root;
    try {
        root = json::parse(bytes);
    } catch (const json::parse_error& e) {
        throw Error(ErrorCode::ModelBundle, manifestPath + ": malformed JSON (" + parseErrorText(e) + ")");
    }
    BundleManifest manifest = parseBundleManifest(root, folder.string(), manifestPath);
    manifest.manifestSha256 = sha256Hex(bytes);
    useTokenizerSpecialIds(manifest, manifestPath);
    return manifest;
}

}  // namespace chiaro::core
