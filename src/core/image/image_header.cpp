#include "image/image_header.h"

#include <cstdint>
#include <string>

#include "chiaro/core/error.h"
#include "image/png_chunks.h"
#include "image/tiff_tags.h"

namespace chiaro::core {
namespace {

[[noreturn]] void bad(const std::string& problem) { throw Error(ErrorCode::BadInput, problem); }

// string_view::substr throws past the end; a short file must just fail to match.
std::string_view slice(std::string_view b, size_t offset, size_t count) {
    return offset <= b.size() ? b.substr(offset, count) : std::string_view();
}

uint32_t readLittle(std::string_view b, size_t offset, size_t width) {
    if (offset > b.size() || b.size() - offset < width) bad("truncated image header");
    uint32_t value = 0;
    for (size_t i = 0; i < width; ++i) value |= static_cast<uint32_t>(static_cast<uint8_t>(b[offset + i])) << (8 * i);
    return value;
}

uint32_t readBig16(std::string_view b, size_t offset) {
    if (offset > b.size() || b.size() - offset < 2) bad("truncated JPEG header");
    return (static_cast<uint32_t>(static_cast<uint8_t>(b[offset])) << 8) | static_cast<uint8_t>(b[offset + 1]);
}

cv::Size checkedSize(uint64_t width, uint64_t height, const char* format) {
    if (width == 0 || height == 0 || width > INT32_MAX || height > INT32_MAX) {
        bad(std::string("invalid ") + format + " image size " + std::to_string(width) + "x" + std::to_string(height));
    }
    return {static_cast<int>(width), static_cast<int>(height)};
}

ImageHeader sized(ImageFormat format, cv::Size storedSize) {
    ImageHeader header;
    header.format = format;
    header.storedSize = storedSize;
    return header;
}

ImageHeader pngHeader(std::string_view b) {
    // IHDR must be the first chunk: signature, length 13, "IHDR", width, height (big-endian).
    if (b.size() < 33 || b.substr(12, 4) != "IHDR") bad("truncated or malformed PNG header");
    return sized(ImageFormat::Png, checkedSize(png::readBigEndian32(b, 16), png::readBigEndian32(b, 20), "PNG"));
}

bool isStartOfFrame(uint8_t marker) {
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

int exifOrientation(std::string_view segment) {
    constexpr std::string_view kExif("Exif\0\0", 6);
    if (segment.substr(0, kExif.size()) != kExif) return 1;
    const auto value = readTiffTag(segment.substr(kExif.size()), 0x0112);
    return (value && *value >= 1 && *value <= 8) ? static_cast<int>(*value) : 1;
}

// Walks the marker segments up to the first scan, then requires an EOI marker after it.
ImageHeader jpegHeader(std::string_view b) {
    ImageHeader header = sized(ImageFormat::Jpeg, {});
    bool haveFrame = false;
    size_t pos = 2;
    while (true) {
        if (pos >= b.size() || static_cast<uint8_t>(b[pos]) != 0xFF) bad("truncated or malformed JPEG header");
        while (pos < b.size() && static_cast<uint8_t>(b[pos]) == 0xFF) ++pos;  // fill bytes
        if (pos >= b.size()) bad("truncated JPEG header");
        const auto marker = static_cast<uint8_t>(b[pos++]);
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue;  // no length
        if (marker == 0xD8 || marker == 0xD9) bad("malformed JPEG header (no frame before end)");
        const uint32_t length = readBig16(b, pos);
        if (length < 2 || b.size() - pos < length) bad("truncated JPEG header");
        const std::string_view segment = b.substr(pos + 2, length - 2);
        pos += length;
        if (isStartOfFrame(marker) && !haveFrame) {
            if (segment.size() < 6) bad("malformed JPEG frame header");
            header.storedSize = checkedSize(readBig16(segment, 3), readBig16(segment, 1), "JPEG");
            header.jpegPrecision = static_cast<uint8_t>(segment[0]);
            header.jpegComponents = static_cast<uint8_t>(segment[5]);
            haveFrame = true;
        } else if (marker == 0xE1 && header.exifOrientation == 1) {
            header.exifOrientation = exifOrientation(segment);
        } else if (marker == 0xE2) {
            header.jpegApp2.push_back(segment);
        } else if (marker == 0xDA) {
            if (!haveFrame) bad("malformed JPEG (scan before frame header)");
            // Inside entropy-coded data 0xFF is always followed by 0x00 or a restart marker.
            if (b.find("\xFF\xD9", pos) == std::string_view::npos) bad("truncated JPEG data (no end marker)");
            return header;
        }
    }
}

ImageHeader webpHeader(std::string_view b) {
    if (b.size() < 30) bad("truncated WebP header");
    const std::string_view chunk = b.substr(12, 4);
    if (chunk == "VP8 ") {
        if (b.substr(23, 3) != "\x9D\x01\x2A") bad("malformed WebP (VP8) header");
        return sized(ImageFormat::WebP, checkedSize(readLittle(b, 26, 2) & 0x3FFF, readLittle(b, 28, 2) & 0x3FFF, "WebP"));
    }
    if (chunk == "VP8L") {
        if (static_cast<uint8_t>(b[20]) != 0x2F) bad("malformed WebP (VP8L) header");
        const uint32_t bits = readLittle(b, 21, 4);
        return sized(ImageFormat::WebP, checkedSize((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, "WebP"));
    }
    if (chunk == "VP8X") {
        return sized(ImageFormat::WebP, checkedSize(readLittle(b, 24, 3) + 1ull, readLittle(b, 27, 3) + 1ull, "WebP"));
    }
    bad("malformed WebP header");
}

ImageHeader bmpHeader(std::string_view b) {
    const uint32_t dibSize = readLittle(b, 14, 4);
    if (dibSize == 12) {  // OS/2 BITMAPCOREHEADER: 16-bit sizes
        return sized(ImageFormat::Bmp, checkedSize(readLittle(b, 18, 2), readLittle(b, 20, 2), "BMP"));
    }
    const auto width = static_cast<int32_t>(readLittle(b, 18, 4));
    const auto height = static_cast<int32_t>(readLittle(b, 22, 4));  // negative: top-down rows
    const auto absHeight = height < 0 ? -static_cast<int64_t>(height) : height;
    return sized(ImageFormat::Bmp, checkedSize(width < 0 ? 0 : width, static_cast<uint64_t>(absHeight), "BMP"));
}

ImageHeader tiffHeader(std::string_view b) {
    const auto width = readTiffTag(b, 256);
    const auto height = readTiffTag(b, 257);
    if (!width || !height) bad("malformed TIFF header (no image size)");
    return sized(ImageFormat::Tiff, checkedSize(*width, *height, "TIFF"));
}

// Formats users have that Chiaro does not read, named so that the error says what to do.
const char* unsupportedFormatName(std::string_view b) {
    if (b.substr(0, 10) == "#?RADIANCE" || b.substr(0, 6) == "#?RGBE") return "a Radiance HDR image";
    if (b.substr(0, 4) == "\x76\x2f\x31\x01") return "an OpenEXR image";
    if (slice(b, 4, 4) == "ftyp") {
        const std::string_view brand = slice(b, 8, 4);
        if (brand == "heic" || brand == "heix" || brand == "mif1" || brand == "msf1") return "a HEIC/HEIF photo";
        if (brand == "avif" || brand == "avis") return "an AVIF image";
    }
    if (b.substr(0, 2) == "\xFF\x0A" || slice(b, 4, 8) == "JXL \r\n\x87\n") return "a JPEG XL image";
    if (b.substr(0, 4) == "8BPS") return "a Photoshop document";
    if (b.substr(0, 4) == "GIF8") return "a GIF";
    return nullptr;
}

}  // namespace

ImageHeader readImageHeader(std::string_view bytes) {
    if (bytes.empty()) bad("empty file");
    if (png::hasSignature(bytes)) return pngHeader(bytes);
    if (bytes.substr(0, 3) == "\xFF\xD8\xFF") return jpegHeader(bytes);
    if (slice(bytes, 0, 4) == "RIFF" && slice(bytes, 8, 4) == "WEBP") return webpHeader(bytes);
    if (bytes.substr(0, 2) == "BM") return bmpHeader(bytes);
    if (hasTiffSignature(bytes)) return tiffHeader(bytes);
    if (const char* name = unsupportedFormatName(bytes)) {
        bad(std::string(name) + ", which Chiaro does not read: convert it to an 8- or 16-bit PNG, TIFF or "
                                "JPEG first");
    }
    bad("not a supported image (PNG, JPEG, WebP, BMP or TIFF)");
}

cv::Size orientedSize(const ImageHeader& header) {
    const cv::Size s = header.storedSize;
    return header.exifOrientation >= 5 ? cv::Size(s.height, s.width) : s;
}

}  // namespace chiaro::core
