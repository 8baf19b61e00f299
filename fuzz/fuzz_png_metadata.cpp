// libFuzzer: the PNG text-chunk reader on arbitrary bytes. Either it parses or it throws
// Error(BadInput); a crash, an over-read (ASan) or any other exception is a bug. What parses must
// survive a round trip through insertPngTextChunks.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "chiaro/core/error.h"
#include "chiaro/image/png_metadata.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string png(reinterpret_cast<const char*>(data), size);
    chiaro::core::PngTextChunks chunks;
    try {
        chunks = chiaro::core::readPngTextChunks(png);
    } catch (const chiaro::core::Error& e) {
        if (e.code() != chiaro::core::ErrorCode::BadInput) std::abort();
        return 0;
    }
    (void)chiaro::core::latin1ToUtf8(png.substr(0, 256));
    try {
        const std::string again = chiaro::core::insertPngTextChunks(png, chunks);
        (void)chiaro::core::readPngTextChunks(again);
    } catch (const chiaro::core::Error& e) {
        // Keywords read from a file may be ones the writer refuses (e.g. over 79 characters).
        if (e.code() != chiaro::core::ErrorCode::BadInput) std::abort();
    }
    return 0;
}
