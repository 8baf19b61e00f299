#pragma once
// PNG text chunks: the A1111-style `parameters` tEXt chunk and Chiaro's `chiaro` iTXt chunk with the
// job as JSON (CONTRACTS.md §5). The parser is defensive: bad lengths, bad CRCs and truncated files
// give an Error(BadInput), never a crash or an over-read.
#include <map>
#include <string>

namespace chiaro::core {

struct PngTextChunks {
    std::map<std::string, std::string> latin1;  // tEXt: keyword -> Latin-1 text
    std::map<std::string, std::string> utf8;    // iTXt (uncompressed): keyword -> UTF-8 text
    bool empty() const { return latin1.empty() && utf8.empty(); }
};

// Inserts the chunks right after IHDR of a complete PNG byte stream. Throws Error(BadInput) when
// `png` is not a PNG; keywords must be 1..79 Latin-1 characters.
std::string insertPngTextChunks(const std::string& png, const PngTextChunks& chunks);

// Reads every tEXt, iTXt (uncompressed, and zlib-compressed when OpenCV's zlib is available) chunk.
PngTextChunks readPngTextChunks(const std::string& png);
PngTextChunks readPngTextChunksFromFile(const std::string& path);

// tEXt values are Latin-1; JSON output and Qt want UTF-8.
std::string latin1ToUtf8(const std::string& latin1);

// Adds UTF-8 `text` under `keyword` the way the Stable Diffusion web UI does: as tEXt (converted to
// Latin-1) when every character fits Latin-1, else as iTXt. Readers should look in both maps.
void addTextChunk(PngTextChunks& chunks, const std::string& keyword, const std::string& text);

}  // namespace chiaro::core
