#include "image/icc_extract.h"

#include <cstdint>
#include <map>

#include "chiaro/core/error.h"
#include "image/png_chunks.h"
#include "image/tiff_tags.h"
#include "image/zlib_codec.h"

namespace chiaro::core {
namespace {

constexpr std::string_view kJpegIccTag{"ICC_PROFILE\0", 12};
constexpr uint16_t kTiffIccTag = 34675;
// Real profiles are kilobytes to a few megabytes; past this a compressed iCCP is a zip bomb.
constexpr size_t kMaxProfileBytes = 64u << 20;

// ICC.1 7.2: the profile header is 128 bytes; the data colour space is at byte 16.
constexpr size_t kIccHeaderSize = 128;

// ICC.1 Annex B.4: each APP2 segment holds "ICC_PROFILE\0", its 1-based sequence number, the
// number of segments, then its part of the profile.
EmbeddedProfile jpegProfile(const std::vector<std::string_view>& app2) {
    std::map<int, std::string_view> parts;
    int expected = -1;
    for (std::string_view segment : app2) {
        if (segment.substr(0, kJpegIccTag.size()) != kJpegIccTag)
            continue;
        if (segment.size() < kJpegIccTag.size() + 2)
            return {{}, "truncated ICC profile segment"};
        const int sequence = static_cast<uint8_t>(segment[kJpegIccTag.size()]);
        const int count = static_cast<uint8_t>(segment[kJpegIccTag.size() + 1]);
        if (expected != -1 && count != expected)
            return {{}, "ICC profile segments disagree on their count"};
        expected = count;
        if (sequence < 1 || sequence > count ||
            !parts.emplace(sequence, segment.substr(kJpegIccTag.size() + 2)).second) {
            return {{},
                    "ICC profile segment " + std::to_string(sequence) + " of " +
                        std::to_string(count) + " is invalid"};
        }
    }
    if (parts.empty())
        return {};
    if (static_cast<int>(parts.size()) != expected) {
        return {{},
                "incomplete ICC profile (" + std::to_string(parts.size()) + " of " +
                    std::to_string(expected) + " segments)"};
    }
    EmbeddedProfile out;
    for (const auto& [sequence, part] : parts)
        out.bytes.append(part);
    return out;
}

// PNG 11.3.3.3: iCCP = profile name (1-79 bytes), NUL, compression method 0, zlib stream.
EmbeddedProfile pngProfile(std::string_view file) {
    for (const png::Chunk& chunk : png::parseChunks(file)) {
        if (chunk.type == "IDAT")
            break;  // iCCP must come before the image data
        if (chunk.type != "iCCP")
            continue;
        const size_t nul = chunk.data.find('\0');
        if (nul == std::string_view::npos || nul == 0 || nul > 79 || chunk.data.size() < nul + 2 ||
            chunk.data[nul + 1] != 0) {
            return {{}, "malformed iCCP chunk"};
        }
        try {
            return {inflateZlib(chunk.data.substr(nul + 2), kMaxProfileBytes), {}};
        } catch (const Error& e) {
            return {{}, std::string("iCCP chunk: ") + e.what()};
        }
    }
    return {};
}

uint32_t little32(std::string_view b, size_t offset) {
    uint32_t value = 0;
    for (size_t i = 0; i < 4; ++i)
        value |= static_cast<uint32_t>(static_cast<uint8_t>(b[offset + i])) << (8 * i);
    return value;
}

// RIFF: "RIFF", size, "WEBP", then chunks of FourCC, little-endian size, data padded to even.
EmbeddedProfile webpProfile(std::string_view file) {
    size_t pos = 12;
    while (file.size() >= 8 && pos <= file.size() - 8) {
        const std::string_view type = file.substr(pos, 4);
        const size_t size = little32(file, pos + 4);
        if (size > file.size() - pos - 8)
            return type == "ICCP" ? EmbeddedProfile{{}, "truncated ICCP chunk"} : EmbeddedProfile{};
        if (type == "ICCP")
            return {std::string(file.substr(pos + 8, size)), {}};
        pos += 8 + size + (size & 1);
    }
    return {};
}

}  // namespace

EmbeddedProfile extractIccProfile(std::string_view file, const ImageHeader& header) {
    switch (header.format) {
        case ImageFormat::Jpeg:
            return jpegProfile(header.jpegApp2);
        case ImageFormat::Png:
            return pngProfile(file);
        case ImageFormat::WebP:
            return webpProfile(file);
        case ImageFormat::Tiff: {
            const auto tag = readTiffTagBytes(file, kTiffIccTag);
            return tag ? EmbeddedProfile{std::string(*tag), {}} : EmbeddedProfile{};
        }
        case ImageFormat::Bmp:
            return {};
    }
    return {};
}

std::string iccDataColourSpace(std::string_view profile) {
    return profile.size() < kIccHeaderSize ? std::string() : std::string(profile.substr(16, 4));
}

}  // namespace chiaro::core
