#include "image/tiff_writer.h"

#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include <tiffio.h>

#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"

namespace chiaro::core {
namespace {

// Strips of about this many bytes: large enough for deflate to work well, small enough that a
// reader never needs much memory per strip.
constexpr size_t kStripBytes = 256 * 1024;

struct TiffCloser {
    void operator()(TIFF* tiff) const { TIFFClose(tiff); }
};
using TiffHandle = std::unique_ptr<TIFF, TiffCloser>;

// libtiff's messages go to the exception instead of stderr (the first one is kept: it is the
// cause).
int keepError(TIFF*, void* userData, const char* module, const char* format, va_list args) {
    auto& message = *static_cast<std::string*>(userData);
    if (message.empty()) {
        char text[512];
        vsnprintf(text, sizeof(text), format, args);
        message = std::string(module ? module : "libtiff") + ": " + text;
    }
    return 1;  // handled: libtiff's global handler stays silent
}

int logWarning(TIFF*, void*, const char* module, const char* format, va_list args) {
    char text[512];
    vsnprintf(text, sizeof(text), format, args);
    coreLog().debug("libtiff warning ({}): {}", module ? module : "libtiff", text);
    return 1;
}

TiffHandle openForWriting(const std::string& path, std::string& error) {
    TIFFOpenOptions* options = TIFFOpenOptionsAlloc();
    TIFFOpenOptionsSetErrorHandlerExtR(options, keepError, &error);
    TIFFOpenOptionsSetWarningHandlerExtR(options, logWarning, nullptr);
    TiffHandle tiff(TIFFOpenExt(path.c_str(), "w", options));
    TIFFOpenOptionsFree(options);
    return tiff;
}

void setLayout(TIFF* tiff, const cv::Mat& image) {
    const int channels = image.channels();
    TIFFSetField(tiff, TIFFTAG_IMAGEWIDTH, static_cast<uint32_t>(image.cols));
    TIFFSetField(tiff, TIFFTAG_IMAGELENGTH, static_cast<uint32_t>(image.rows));
    TIFFSetField(tiff, TIFFTAG_BITSPERSAMPLE,
                 static_cast<uint16_t>(image.depth() == CV_16U ? 16 : 8));
    TIFFSetField(tiff, TIFFTAG_SAMPLESPERPIXEL, static_cast<uint16_t>(channels));
    TIFFSetField(tiff, TIFFTAG_SAMPLEFORMAT, static_cast<uint16_t>(SAMPLEFORMAT_UINT));
    TIFFSetField(tiff, TIFFTAG_PHOTOMETRIC,
                 static_cast<uint16_t>(channels == 1 ? PHOTOMETRIC_MINISBLACK : PHOTOMETRIC_RGB));
    TIFFSetField(tiff, TIFFTAG_PLANARCONFIG, static_cast<uint16_t>(PLANARCONFIG_CONTIG));
    TIFFSetField(tiff, TIFFTAG_ORIENTATION, static_cast<uint16_t>(ORIENTATION_TOPLEFT));
    if (channels == 4) {
        // Chiaro's RGBA is straight (not premultiplied) alpha.
        const uint16_t extra = EXTRASAMPLE_UNASSALPHA;
        TIFFSetField(tiff, TIFFTAG_EXTRASAMPLES, static_cast<uint16_t>(1), &extra);
    }
    TIFFSetField(tiff, TIFFTAG_COMPRESSION, static_cast<uint16_t>(COMPRESSION_ADOBE_DEFLATE));
    TIFFSetField(tiff, TIFFTAG_PREDICTOR, static_cast<uint16_t>(PREDICTOR_HORIZONTAL));
    const size_t rowBytes = image.cols * image.elemSize();
    TIFFSetField(tiff, TIFFTAG_ROWSPERSTRIP,
                 TIFFDefaultStripSize(tiff, static_cast<uint32_t>(kStripBytes / rowBytes + 1)));
}

void setMetadata(TIFF* tiff, const TiffWriteOptions& options) {
    TIFFSetField(tiff, TIFFTAG_SOFTWARE, "Chiaro " CHIARO_VERSION);
    if (!options.description.empty())
        TIFFSetField(tiff, TIFFTAG_IMAGEDESCRIPTION, options.description.c_str());
    if (!options.iccProfile.empty()) {
        TIFFSetField(tiff, TIFFTAG_ICCPROFILE, static_cast<uint32_t>(options.iccProfile.size()),
                     options.iccProfile.data());
    }
}

}  // namespace

void writeTiffFile(const std::string& path, const cv::Mat& image, const TiffWriteOptions& options) {
    std::string error;
    TiffHandle tiff = openForWriting(path, error);
    const auto fail = [&] {
        throw Error(ErrorCode::Failure, "tiff: " + (error.empty() ? "cannot write" : error));
    };
    if (!tiff)
        fail();
    setLayout(tiff.get(), image);
    setMetadata(tiff.get(), options);
    // libtiff's predictor differences the row in place: hand it a copy, never the caller's pixels.
    std::vector<uchar> row(image.cols * image.elemSize());
    for (int y = 0; y < image.rows; ++y) {
        std::memcpy(row.data(), image.ptr(y), row.size());
        if (TIFFWriteScanline(tiff.get(), row.data(), static_cast<uint32_t>(y), 0) < 0) fail();
    }
    if (!TIFFFlush(tiff.get()) || !error.empty())
        fail();
}

}  // namespace chiaro::core
