#pragma once
// Internal: a bounds-checked walk over the chunks of a PNG byte stream, and the chunk writer.
// Every length is checked against the bytes that remain before it is used, so a hostile file can
// make these functions throw Error(BadInput) but never read outside the buffer.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace chiaro::core::png {

constexpr std::string_view kSignature{"\x89PNG\r\n\x1a\n", 8};

struct Chunk {
    std::string_view type;  // four ASCII letters
    std::string_view data;  // points into the parsed buffer: valid while that buffer lives
};

bool hasSignature(std::string_view bytes);

// CRC-32 (ISO 3309, as PNG uses it) of `bytes`, continuing from `crc` (start with 0).
uint32_t crc32(std::string_view bytes, uint32_t crc = 0);

// Every chunk from IHDR to IEND (included), CRCs verified. Throws Error(BadInput, "png: ...") when
// the signature is missing, a length runs past the end, a CRC is wrong, or IEND never comes.
std::vector<Chunk> parseChunks(std::string_view png);

// A complete chunk: length, type, data and CRC.
std::string makeChunk(std::string_view type, std::string_view data);

uint32_t readBigEndian32(std::string_view bytes, size_t offset);

}  // namespace chiaro::core::png
