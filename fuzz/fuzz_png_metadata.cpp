// libFuzzer: the PNG text-chunk reader on arbitrary bytes. Either it parses or it throws
// Error(BadInput); a crash, an over-read (ASan) or any other exception is a bug. What parses must
// survive a round trip through insertPngTextChunks, or be refused by it as BadInput or Usage.
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
        // The reader takes what real files hold; the writer refuses, as a Usage error, what the PNG
        // specification forbids it to write: keywords with control characters (0x7F..0xA0), text
        // with a NUL byte (a zTXt chunk can inflate to one).
        const auto code = e.code();
        if (code != chiaro::core::ErrorCode::BadInput && code != chiaro::core::ErrorCode::Usage)
            std::abort();
    }
    return 0;
}
