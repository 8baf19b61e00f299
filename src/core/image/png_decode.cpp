#include "image/png_decode.h"

#include <csetjmp>
#include <cstring>
#include <vector>

#include <png.h>

#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"

namespace chiaro::core {
namespace {

struct ReadState {
    const std::string* bytes = nullptr;
    size_t offset = 0;
    std::string path;
    std::string error;
    int warnings = 0;
};

ReadState& stateOf(png_structp png) { return *static_cast<ReadState*>(png_get_error_ptr(png)); }

void onError(png_structp png, png_const_charp message) {
    stateOf(png).error = message ? message : "unknown libpng error";
    png_longjmp(png, 1);
}

void onWarning(png_structp png, png_const_charp message) {
    ReadState& state = stateOf(png);
    // A damaged file can warn once per row: the first few are enough to diagnose it.
    if (++state.warnings <= 5) coreLog().debug("{}: libpng: {}", state.path, message ? message : "");
}

void readBytes(png_structp png, png_bytep out, png_size_t count) {
    auto* state = static_cast<ReadState*>(png_get_io_ptr(png));
    if (count > state->bytes->size() - state->offset) png_error(png, "the file ends inside the image data");
    std::memcpy(out, state->bytes->data() + state->offset, count);
    state->offset += count;
}

// libpng's structs, destroyed on every path out (including the longjmp back into decode()).
struct PngReader {
    png_structp png = nullptr;
    png_infop info = nullptr;
    ~PngReader() { png_destroy_read_struct(&png, info ? &info : nullptr, nullptr); }
};

// Everything that needs destruction lives outside the setjmp frame (in decodePng), so that a
// longjmp out of libpng skips no destructor that matters.
bool decode(PngReader& reader, ReadState& state, cv::Mat& out, std::vector<png_bytep>& rows) {
    png_structp png = reader.png;
    png_infop info = reader.info;
    if (setjmp(png_jmpbuf(png))) return false;
    png_set_read_fn(png, &state, readBytes);
    // Ancillary chunks are read by Chiaro's own chunk walk (profile, text); libpng only needs
    // the pixels, and checking e.g. a profile here would only produce warnings.
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, nullptr, 0);
    png_set_crc_action(png, PNG_CRC_DEFAULT, PNG_CRC_DEFAULT);
    png_read_info(png, info);
    png_uint_32 width = 0, height = 0;
    int bitDepth = 0, colourType = 0;
    png_get_IHDR(png, info, &width, &height, &bitDepth, &colourType, nullptr, nullptr, nullptr);
    const bool colour = (colourType & PNG_COLOR_MASK_COLOR) != 0 || colourType == PNG_COLOR_TYPE_PALETTE;
    // As OpenCV: a tRNS colour key makes colour pictures BGRA; a grey one is ignored.
    const bool keyed = colour && png_get_valid(png, info, PNG_INFO_tRNS) != 0;
    const bool alpha = (colourType & PNG_COLOR_MASK_ALPHA) != 0 || keyed;
    const int channels = alpha ? 4 : (colour ? 3 : 1);
    const int depth = bitDepth == 16 ? CV_16U : CV_8U;

    if (colourType == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (colourType == PNG_COLOR_TYPE_GRAY && bitDepth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (keyed) png_set_tRNS_to_alpha(png);
    if (channels == 4 && !colour) png_set_gray_to_rgb(png);
    if (channels >= 3) png_set_bgr(png);
    if (bitDepth == 16) png_set_swap(png);  // PNG is big-endian; cv::Mat holds host order
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_channels(png, info) != channels || png_get_bit_depth(png, info) != (depth == CV_16U ? 16 : 8)) {
        state.error = "unexpected pixel layout after expansion";
        return false;
    }
    out.create(static_cast<int>(height), static_cast<int>(width), CV_MAKETYPE(depth, channels));
    rows.assign(height, nullptr);
    for (png_uint_32 y = 0; y < height; ++y) rows[y] = out.ptr(static_cast<int>(y));
    png_read_image(png, rows.data());
    png_read_end(png, nullptr);
    return true;
}

}  // namespace

cv::Mat decodePng(const std::string& path, const std::string& bytes) {
    ReadState state;
    state.bytes = &bytes;
    state.path = path;
    PngReader reader;
    reader.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &state, onError, onWarning);
    if (reader.png) reader.info = png_create_info_struct(reader.png);
    if (!reader.png || !reader.info) throw Error(ErrorCode::Failure, path + ": cannot start the PNG decoder (out of memory)");
    png_set_user_limits(reader.png, 0x7fffffff, 0x7fffffff);  // the pixel limit is checked before, on the header
    cv::Mat out;
    std::vector<png_bytep> rows;
    if (!decode(reader, state, out, rows)) throw Error(ErrorCode::BadInput, path + ": cannot decode the PNG: " + state.error);
    if (state.warnings > 5) coreLog().debug("{}: libpng: {} warnings in all", path, state.warnings);
    return out;
}

}  // namespace chiaro::core
