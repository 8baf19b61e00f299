// imageFormatForPath and saveImage (photo.h): PNG through encodePng, TIFF through libtiff, both
// written atomically.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <optional>

#include <opencv2/imgproc.hpp>

#include "chiaro/core/atomic_file.h"
#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"
#include "chiaro/image/image_io.h"
#include "chiaro/image/photo.h"
#include "image/image_encode.h"
#include "image/tiff_writer.h"

namespace chiaro::core {
namespace {

constexpr const char* kChiaroKey = "chiaro";
constexpr const char* kParametersKey = "parameters";

std::string lowerExtension(const std::string& path) {
    std::string ext = std::filesystem::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    return ext;
}

std::optional<std::string> textAsUtf8(const PngTextChunks& chunks, const std::string& key) {
    if (auto it = chunks.utf8.find(key); it != chunks.utf8.end())
        return it->second;
    if (auto it = chunks.latin1.find(key); it != chunks.latin1.end())
        return latin1ToUtf8(it->second);
    return std::nullopt;
}

// TIFF has one free-text tag: the job JSON when there is one (it holds everything the infotext
// says), else the web UI's infotext; as UTF-8, which is how readers decode the tag in practice.
std::string tiffDescription(const PngTextChunks& metadata) {
    std::optional<std::string> text = textAsUtf8(metadata, kChiaroKey);
    if (!text)
        text = textAsUtf8(metadata, kParametersKey);
    if (!text)
        return {};
    if (text->find('\0') != std::string::npos)
        throw Error(ErrorCode::Usage, "tiff: metadata text contains a NUL byte");
    return *text;
}

void saveTiff(const std::string& path, const cv::Mat& image, const ImageWriteOptions& options) {
    checkEncodable(image, options.bitDepth, options.iccProfile, "tiff");
    const cv::Mat pixels = toBitDepth(image, options.bitDepth);
    const TiffWriteOptions tiffOptions{tiffDescription(options.metadata), options.iccProfile};
    writeAtomically(
        path, [&](const std::string& temporary) { writeTiffFile(temporary, pixels, tiffOptions); });
}

}  // namespace

ImageFileFormat imageFormatForPath(const std::string& path) {
    const std::string ext = lowerExtension(path);
    if (ext == ".png")
        return ImageFileFormat::Png;
    if (ext == ".tif" || ext == ".tiff")
        return ImageFileFormat::Tiff;
    throw Error(ErrorCode::Usage, path + ": cannot write images with the extension '" + ext +
                                      "' (use .png, .tif or .tiff)");
}

void saveImage(const std::string& path, const cv::Mat& image, const ImageWriteOptions& options) {
    if (imageFormatForPath(path) == ImageFileFormat::Tiff) {
        saveTiff(path, image, options);
    } else {
        savePng(path, image,
                PngWriteOptions{options.bitDepth, options.metadata, options.iccProfile});
    }
    coreLog().debug("wrote {} ({}x{}, {}-bit{})", path, image.cols, image.rows, options.bitDepth,
                    options.iccProfile.empty() ? "" : ", ICC profile");
}

}  // namespace chiaro::core
