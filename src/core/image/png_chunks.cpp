#include "image/png_chunks.h"

#include <array>

#include "chiaro/core/error.h"

namespace chiaro::core::png {
namespace {

// PNG's length fields are limited to 2^31 - 1 (PNG spec 5.3).
constexpr uint32_t kMaxChunkLength = 0x7FFFFFFFu;

std::array<uint32_t, 256> makeCrcTable() {
    std::array<uint32_t, 256> table{};
    for (uint32_t n = 0; n < 256; ++n) {
        uint32_t c = n;
        for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        table[n] = c;
    }
    return table;
}

void appendBigEndian32(std::string& out, uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((value >> shift) & 0xFF));
}

[[noreturn]] void bad(const std::string& problem) {
    throw Error(ErrorCode::BadInput, "png: " + problem);
}

}  // namespace

bool hasSignature(std::string_view bytes) {
    return bytes.size() >= kSignature.size() && bytes.substr(0, kSignature.size()) == kSignature;
}

uint32_t crc32(std::string_view bytes, uint32_t crc) {
    static const std::array<uint32_t, 256> table = makeCrcTable();
    uint32_t c = crc ^ 0xFFFFFFFFu;
    for (char ch : bytes) c = table[(c ^ static_cast<uint8_t>(ch)) & 0xFFu] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

uint32_t readBigEndian32(std::string_view bytes, size_t offset) {
    if (offset > bytes.size() || bytes.size() - offset < 4) bad("unexpected end of data");
    uint32_t value = 0;
    for (size_t i = 0; i < 4; ++i) value = (value << 8) | static_cast<uint8_t>(bytes[offset + i]);
    return value;
}

std::vector<Chunk> parseChunks(std::string_view png) {
    if (!hasSignature(png)) bad("not a PNG file (no PNG signature)");
    std::vector<Chunk> chunks;
    size_t pos = kSignature.size();
    while (true) {
        if (png.size() - pos < 12) bad("truncated file (no IEND chunk)");
        const uint32_t length = readBigEndian32(png, pos);
        if (length > kMaxChunkLength || length > png.size() - pos - 12) {
            bad("truncated file or bad chunk length at byte " + std::to_string(pos));
        }
        const std::string_view typeAndData = png.substr(pos + 4, 4 + length);
        const uint32_t storedCrc = readBigEndian32(png, pos + 8 + length);
        if (crc32(typeAndData) != storedCrc) {
            bad("bad CRC in chunk '" + std::string(typeAndData.substr(0, 4)) + "'");
        }
        chunks.push_back({typeAndData.substr(0, 4), typeAndData.substr(4)});
        if (chunks.size() == 1 && (chunks[0].type != "IHDR" || length != 13)) bad("first chunk is not IHDR");
        pos += 12 + length;
        if (chunks.back().type == "IEND") return chunks;
    }
}

std::string makeChunk(std::string_view type, std::string_view data) {
    std::string out;
    out.reserve(12 + data.size());
    appendBigEndian32(out, static_cast<uint32_t>(data.size()));
    std::string typeAndData(type);
    typeAndData.append(data);
    out += typeAndData;
    appendBigEndian32(out, crc32(typeAndData));
    return out;
}

}  // namespace chiaro::core::png
