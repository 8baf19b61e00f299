// Batch planning: folder scan, shard membership, mask resolution and output names. Pure file-system
// work, no pixels are decoded here.
#include "chiaro/jobs/batch_plan.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "chiaro/core/error.h"

namespace chiaro::core {
namespace fs = std::filesystem;
namespace {

std::string lower(std::string text) {
    for (char& c : text)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

bool hasExtension(const fs::path& path, const std::vector<std::string>& extensions) {
    const std::string ext = lower(path.extension().string());
    return std::any_of(extensions.begin(), extensions.end(),
                       [&](const std::string& e) { return lower(e) == ext; });
}

bool isInside(const fs::path& path, const fs::path& folder) {
    if (folder.empty())
        return false;
    auto p = path.begin();
    for (auto f = folder.begin(); f != folder.end(); ++f, ++p) {
        if (p == path.end() || *p != *f)
            return false;
    }
    return true;
}

fs::path absoluteNormal(const std::string& path) {
    std::error_code ec;
    fs::path canonical = fs::weakly_canonical(fs::absolute(path), ec);
    return ec ? fs::absolute(path).lexically_normal() : canonical;
}

std::string relativeNameOf(const fs::path& photo, const fs::path& inputDir) {
    fs::path rel = photo.lexically_relative(inputDir);
    rel.replace_extension();
    return rel.generic_string();
}

// `<stem>_mask.*` files are masks, not photos, when the photo `<stem>.*` sits in the same folder.
std::vector<std::string> withoutMaskFiles(const std::vector<std::string>& photos) {
    std::set<std::string> stems;
    for (const auto& p : photos)
        stems.insert((fs::path(p).parent_path() / fs::path(p).stem()).string());
    std::vector<std::string> out;
    for (const auto& p : photos) {
        const std::string stem = fs::path(p).stem().string();
        const bool maskName = stem.size() > 5 && stem.compare(stem.size() - 5, 5, "_mask") == 0;
        if (maskName &&
            stems.count((fs::path(p).parent_path() / stem.substr(0, stem.size() - 5)).string()))
            continue;
        out.push_back(p);
    }
    return out;
}

std::string findMatchingMask(const fs::path& photo,
                             const std::string& relativeName,
                             const std::string& maskDir,
                             const std::vector<std::string>& extensions) {
    std::vector<fs::path> bases;
    if (!maskDir.empty()) {
        bases.push_back(fs::path(maskDir) / (relativeName + "_mask"));
        bases.push_back(fs::path(maskDir) / relativeName);
    }
    bases.push_back(photo.parent_path() / (photo.stem().string() + "_mask"));
    std::error_code ec;
    for (const auto& base : bases) {
        for (const std::string& ext : extensions) {
            fs::path candidate = base;
            candidate += ext;
            if (fs::is_regular_file(candidate, ec) && candidate != photo)
                return absoluteNormal(candidate.string()).string();
        }
    }
    return {};
}

}  // namespace

const char* batchMaskSourceName(BatchMaskSource source) {
    switch (source) {
        case BatchMaskSource::None:
            return "none";
        case BatchMaskSource::Matching:
            return "match";
        case BatchMaskSource::Single:
            return "single";
        case BatchMaskSource::GrabCut:
            return "grabcut";
        case BatchMaskSource::Segmenter:
            return "segmenter";
    }
    return "none";
}

BatchMaskSource parseBatchMaskSource(const std::string& text, bool* autoFallback) {
    if (autoFallback)
        *autoFallback = false;
    const std::string t = lower(text);
    if (t == "none")
        return BatchMaskSource::None;
    if (t == "match" || t == "matching")
        return BatchMaskSource::Matching;
    if (t == "single")
        return BatchMaskSource::Single;
    if (t == "grabcut")
        return BatchMaskSource::GrabCut;
    if (t == "segmenter")
        return BatchMaskSource::Segmenter;
    if (t == "auto") {
        if (autoFallback)
            *autoFallback = true;
        return BatchMaskSource::Segmenter;
    }
    throw Error(ErrorCode::Usage,
                "--mask-source must be none, match, single, grabcut, segmenter or auto, got '" +
                    text + "'");
}

std::vector<std::string> scanInputFolder(const std::string& inputDir,
                                         bool recursive,
                                         const std::vector<std::string>& extensions,
                                         const std::string& excludeDir) {
    std::error_code ec;
    if (!fs::is_directory(inputDir, ec))
        throw Error(ErrorCode::BadInput, inputDir + ": no such folder");
    const fs::path root = absoluteNormal(inputDir);
    const fs::path exclude = excludeDir.empty() ? fs::path() : absoluteNormal(excludeDir);
    std::vector<std::string> photos;
    auto consider = [&](const fs::directory_entry& entry) {
        const fs::path path = entry.path();
        if (path.filename().string().rfind('.', 0) == 0)
            return;
        if (!entry.is_regular_file(ec) || !hasExtension(path, extensions))
            return;
        photos.push_back(path.string());
    };
    if (recursive) {
        fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied,
                                            ec),
            end;
        for (; !ec && it != end; it.increment(ec)) {
            const fs::path path = it->path();
            const bool hidden = path.filename().string().rfind('.', 0) == 0;
            if (it->is_directory(ec) && (hidden || (exclude != root && isInside(path, exclude)))) {
                it.disable_recursion_pending();
                continue;
            }
            consider(*it);
        }
    } else {
        for (const auto& entry :
             fs::directory_iterator(root, fs::directory_options::skip_permission_denied, ec)) {
            consider(entry);
        }
    }
    if (ec)
        throw Error(ErrorCode::BadInput, inputDir + ": cannot list the folder: " + ec.message());
    std::sort(photos.begin(), photos.end());
    return photos;
}

void parseShard(const std::string& text, int& index, int& count) {
    const auto slash = text.find('/');
    try {
        if (slash == std::string::npos)
            throw std::invalid_argument(text);
        size_t usedI = 0, usedN = 0;
        const int i = std::stoi(text.substr(0, slash), &usedI);
        const int n = std::stoi(text.substr(slash + 1), &usedN);
        if (usedI != slash || usedN != text.size() - slash - 1 || n < 1 || i < 1 || i > n) {
            throw std::invalid_argument(text);
        }
        index = i - 1;
        count = n;
    } catch (const std::exception&) {
        throw Error(ErrorCode::Usage, "--shard expects I/N with 1 <= I <= N, got '" + text + "'");
    }
}

bool inShard(const std::string& relativeName, int index, int count) {
    if (count <= 1)
        return true;
    // FNV-1a 64: stable across platforms and runs (std::hash is not).
    uint64_t hash = 14695981039346656037ull;
    for (unsigned char c : relativeName) {
        hash ^= c;
        hash *= 1099511628211ull;
    }
    return static_cast<int>(hash % static_cast<uint64_t>(count)) == index;
}

std::vector<BatchItem> planBatch(const BatchOptions& options,
                                 const std::optional<LightDirection>& sharedLight,
                                 uint64_t seed) {
    if (options.shardCount < 1 || options.shardIndex < 0 ||
        options.shardIndex >= options.shardCount) {
        throw Error(ErrorCode::Usage, "shard " + std::to_string(options.shardIndex + 1) + "/" +
                                          std::to_string(options.shardCount) + " is out of range");
    }
    if (options.outputDir.empty())
        throw Error(ErrorCode::Usage, "the batch needs an output folder (-o)");
    std::string singleMask;
    if (options.maskSource == BatchMaskSource::Single) {
        std::error_code ec;
        if (options.singleMaskPath.empty())
            throw Error(ErrorCode::Usage, "--mask-source single needs --mask FILE");
        if (!fs::is_regular_file(options.singleMaskPath, ec)) {
            throw Error(ErrorCode::BadInput, options.singleMaskPath + ": no such mask file");
        }
        singleMask = absoluteNormal(options.singleMaskPath).string();
    }
    const fs::path inputRoot = absoluteNormal(options.inputDir);
    const fs::path outputRoot = absoluteNormal(options.outputDir);
    auto photos = withoutMaskFiles(scanInputFolder(options.inputDir, options.recursive,
                                                   options.extensions, options.outputDir));
    if (!options.maskDir.empty()) {
        const fs::path maskRoot = absoluteNormal(options.maskDir);
        photos.erase(std::remove_if(photos.begin(), photos.end(),
                                    [&](const std::string& p) {
                                        return maskRoot != inputRoot && isInside(p, maskRoot);
                                    }),
                     photos.end());
    }
    std::vector<std::optional<LightDirection>> lights = options.lights;
    if (lights.empty())
        lights.push_back(sharedLight);

    std::vector<BatchItem> items;
    std::map<std::string, std::string> owners;  // output -> photo, to refuse name collisions
    for (size_t i = 0; i < photos.size(); ++i) {
        const std::string relative = relativeNameOf(photos[i], inputRoot);
        const bool mine = inShard(relative, options.shardIndex, options.shardCount);
        std::string mask;
        if (mine && options.maskSource == BatchMaskSource::Matching) {
            mask = findMatchingMask(photos[i], relative, options.maskDir, options.extensions);
        } else if (options.maskSource == BatchMaskSource::Single) {
            mask = singleMask;
        }
        for (const auto& light : lights) {
            // Names are checked over every shard so that all machines agree on the plan.
            const std::string name = expandNamePattern(options.namePattern, relative, light, seed,
                                                       static_cast<int>(i) + 1);
            const std::string output = (outputRoot / name).string();
            auto [it, fresh] = owners.emplace(output, photos[i]);
            if (!fresh) {
                throw Error(ErrorCode::Usage, "--name pattern '" + options.namePattern +
                                                  "' gives " + name + " for both " + it->second +
                                                  " and " + photos[i] +
                                                  " (add {name}, {light} or {index})");
            }
            if (!mine)
                continue;
            BatchItem item;
            item.inputPath = photos[i];
            item.relativeName = relative;
            item.maskPath = mask;
            item.light = light;
            item.outputPath = output;
            std::error_code ec;
            item.outputExists = fs::exists(item.outputPath, ec);
            items.push_back(std::move(item));
        }
    }
    return items;
}

}  // namespace chiaro::core
