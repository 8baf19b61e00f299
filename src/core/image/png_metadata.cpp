#include "chiaro/image/png_metadata.h"

#include <optional>

#include "chiaro/core/atomic_file.h"
#include "chiaro/core/error.h"
#include "image/png_chunks.h"
#include "image/zlib_codec.h"

namespace chiaro::core {
namespace {

// Size of the IHDR chunk after the signature: length, type, 13 data bytes, CRC.
constexpr size_t kIhdrEnd = 8 + 12 + 13;
// A compressed text chunk may not inflate past this: metadata is small, a zip bomb is not.
constexpr size_t kMaxInflatedText = 16u << 20;

void checkKeyword(const std::string& keyword) {
    if (keyword.empty() || keyword.size() > 79) {
        throw Error(ErrorCode::Usage, "png metadata: keyword '" + keyword + "' must be 1..79 characters");
    }
    for (char c : keyword) {
        const auto u = static_cast<unsigned char>(c);
        if (!((u >= 32 && u <= 126) || u >= 161)) {
            throw Error(ErrorCode::Usage, "png metadata: keyword '" + keyword + "' is not printable Latin-1");
        }
    }
}

void checkNoNul(const std::string& keyword, const std::string& text) {
    if (text.find('\0') != std::string::npos) {
        throw Error(ErrorCode::Usage, "png metadata: text of '" + keyword + "' contains a NUL byte");
    }
}

std::string textChunk(const std::string& keyword, const std::string& text) {
    checkKeyword(keyword);
    checkNoNul(keyword, text);
    return png::makeChunk("tEXt", keyword + '\0' + text);
}

std::string itxtChunk(const std::string& keyword, const std::string& text) {
    checkKeyword(keyword);
    checkNoNul(keyword, text);
    // Uncompressed, no language tag, no translated keyword.
    std::string data = keyword;
    data += std::string("\0\0\0\0\0", 5);
    data += text;
    return png::makeChunk("iTXt", data);
}

std::string inflateText(std::string_view compressed) {
    try {
        return inflateZlib(compressed, kMaxInflatedText);
    } catch (const Error&) {
        throw Error(ErrorCode::BadInput, "png: corrupt compressed text chunk");
    }
}

// Splits "keyword\0rest" and checks the keyword's length.
std::pair<std::string, std::string_view> splitKeyword(std::string_view data, std::string_view type) {
    const size_t nul = data.find('\0');
    if (nul == std::string_view::npos || nul == 0 || nul > 79) {
        throw Error(ErrorCode::BadInput, "png: malformed " + std::string(type) + " chunk (keyword)");
    }
    return {std::string(data.substr(0, nul)), data.substr(nul + 1)};
}

void readText(std::string_view data, PngTextChunks& out) {
    auto [keyword, text] = splitKeyword(data, "tEXt");
    out.latin1.emplace(keyword, std::string(text));
}

void readCompressedText(std::string_view data, PngTextChunks& out) {
    auto [keyword, rest] = splitKeyword(data, "zTXt");
    if (rest.empty() || rest[0] != 0) throw Error(ErrorCode::BadInput, "png: malformed zTXt chunk");
    out.latin1.emplace(keyword, inflateText(rest.substr(1)));
}

void readInternationalText(std::string_view data, PngTextChunks& out) {
    auto [keyword, rest] = splitKeyword(data, "iTXt");
    if (rest.size() < 2) throw Error(ErrorCode::BadInput, "png: malformed iTXt chunk");
    const bool compressed = rest[0] != 0;
    if (compressed && rest[1] != 0) throw Error(ErrorCode::BadInput, "png: unknown iTXt compression");
    rest = rest.substr(2);
    for (int field = 0; field < 2; ++field) {  // language tag, translated keyword
        const size_t nul = rest.find('\0');
        if (nul == std::string_view::npos) throw Error(ErrorCode::BadInput, "png: malformed iTXt chunk");
        rest = rest.substr(nul + 1);
    }
    out.utf8.emplace(keyword, compressed ? inflateText(rest) : std::string(rest));
}

}  // namespace

std::string insertPngTextChunks(const std::string& png, const PngTextChunks& chunks) {
    if (!png::hasSignature(png) || png.size() < kIhdrEnd || png.compare(12, 4, "IHDR") != 0) {
        throw Error(ErrorCode::BadInput, "png metadata: the data is not a PNG stream");
    }
    std::string inserted;
    for (const auto& [keyword, text] : chunks.latin1) inserted += textChunk(keyword, text);
    for (const auto& [keyword, text] : chunks.utf8) inserted += itxtChunk(keyword, text);
    std::string out;
    out.reserve(png.size() + inserted.size());
    out.append(png, 0, kIhdrEnd);
    out += inserted;
    out.append(png, kIhdrEnd, std::string::npos);
    return out;
}

PngTextChunks readPngTextChunks(const std::string& png) {
    PngTextChunks out;
    for (const png::Chunk& chunk : png::parseChunks(png)) {
        if (chunk.type == "tEXt") readText(chunk.data, out);
        else if (chunk.type == "zTXt") readCompressedText(chunk.data, out);
        else if (chunk.type == "iTXt") readInternationalText(chunk.data, out);
    }
    return out;
}

PngTextChunks readPngTextChunksFromFile(const std::string& path) {
    const std::string bytes = readFileBytes(path);
    try {
        return readPngTextChunks(bytes);
    } catch (const Error& e) {
        throw Error(e.code(), path + ": " + e.what());
    }
}

std::string latin1ToUtf8(const std::string& latin1) {
    std::string out;
    out.reserve(latin1.size());
    for (char c : latin1) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x80) {
            out.push_back(c);
        } else {
            out.push_back(static_cast<char>(0xC0 | (u >> 6)));
            out.push_back(static_cast<char>(0x80 | (u & 0x3F)));
        }
    }
    return out;
}

namespace {

// Nothing when `utf8` has a character above U+00FF or is not valid UTF-8.
std::optional<std::string> utf8ToLatin1(const std::string& utf8) {
    std::string out;
    out.reserve(utf8.size());
    for (size_t i = 0; i < utf8.size(); ++i) {
        const auto u = static_cast<unsigned char>(utf8[i]);
        if (u < 0x80) {
            out.push_back(static_cast<char>(u));
            continue;
        }
        if ((u != 0xC2 && u != 0xC3) || i + 1 >= utf8.size()) return std::nullopt;
        const auto next = static_cast<unsigned char>(utf8[++i]);
        if ((next & 0xC0) != 0x80) return std::nullopt;
        out.push_back(static_cast<char>(((u & 0x03) << 6) | (next & 0x3F)));
    }
    return out;
}

}  // namespace

void addTextChunk(PngTextChunks& chunks, const std::string& keyword, const std::string& text) {
    chunks.latin1.erase(keyword);
    chunks.utf8.erase(keyword);
    if (auto latin1 = utf8ToLatin1(text)) chunks.latin1[keyword] = *latin1;
    else chunks.utf8[keyword] = text;
}

}  // namespace chiaro::core
