#include "image/zlib_codec.h"

#include <zlib.h>

#include "chiaro/core/error.h"

namespace chiaro::core {

std::string inflateZlib(std::string_view compressed, size_t maxSize) {
    z_stream stream{};
    if (inflateInit(&stream) != Z_OK)
        throw Error(ErrorCode::Failure, "zlib: init failed");
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
    stream.avail_in = static_cast<uInt>(compressed.size());
    std::string out;
    char buffer[16384];
    int rc = Z_OK;
    bool tooLarge = false;
    while (rc == Z_OK) {
        stream.next_out = reinterpret_cast<Bytef*>(buffer);
        stream.avail_out = sizeof(buffer);
        rc = inflate(&stream, Z_NO_FLUSH);
        out.append(buffer, sizeof(buffer) - stream.avail_out);
        if (out.size() > maxSize) {
            tooLarge = true;
            rc = Z_MEM_ERROR;
        }
        // All input used, output space left, and no stream end: the stream is truncated.
        if (rc == Z_OK && stream.avail_in == 0 && stream.avail_out != 0)
            rc = Z_DATA_ERROR;
    }
    inflateEnd(&stream);
    if (tooLarge)
        throw Error(ErrorCode::BadInput,
                    "zlib data inflates past " + std::to_string(maxSize) + " bytes");
    if (rc != Z_STREAM_END)
        throw Error(ErrorCode::BadInput, "corrupt zlib data");
    return out;
}

std::string deflateZlib(std::string_view bytes) {
    uLongf size = compressBound(static_cast<uLong>(bytes.size()));
    std::string out(size, '\0');
    if (compress(reinterpret_cast<Bytef*>(out.data()), &size,
                 reinterpret_cast<const Bytef*>(bytes.data()),
                 static_cast<uLong>(bytes.size())) != Z_OK) {
        throw Error(ErrorCode::Failure, "zlib: compression failed");
    }
    out.resize(size);
    return out;
}

}  // namespace chiaro::core
