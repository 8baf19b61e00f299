#include "image/jpeg_decode.h"

#include <csetjmp>
#include <cstdio>

#include <jpeglib.h>

#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"

namespace chiaro::core {
namespace {

struct ErrorManager {
    jpeg_error_mgr base;  // first: libjpeg hands back a pointer to it
    std::jmp_buf jump;
    const std::string* path = nullptr;
    int warnings = 0;
    char message[JMSG_LENGTH_MAX] = {};
};

void onError(j_common_ptr info) {
    auto* manager = reinterpret_cast<ErrorManager*>(info->err);
    (*info->err->format_message)(info, manager->message);
    std::longjmp(manager->jump, 1);
}

// Warnings (level -1) and trace messages: the first few to the debug log, never to stderr.
void onMessage(j_common_ptr info, int level) {
    auto* manager = reinterpret_cast<ErrorManager*>(info->err);
    if (level >= 0) return;  // trace messages
    if (++manager->warnings > 5) return;
    char text[JMSG_LENGTH_MAX];
    (*info->err->format_message)(info, text);
    coreLog().debug("{}: libjpeg: {}", *manager->path, text);
}

struct Decompressor {
    jpeg_decompress_struct info{};
    bool created = false;
    ~Decompressor() {
        if (created) jpeg_destroy_decompress(&info);
    }
};

// Everything with a destructor lives in the caller, outside the setjmp frame.
bool decode(Decompressor& d, ErrorManager& errors, const std::string& bytes, cv::Mat& out, bool& leftToOpenCv) {
    if (setjmp(errors.jump)) return false;
    jpeg_create_decompress(&d.info);
    d.created = true;
    jpeg_mem_src(&d.info, reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<unsigned long>(bytes.size()));
    jpeg_read_header(&d.info, TRUE);
    const J_COLOR_SPACE space = d.info.jpeg_color_space;
    if (space == JCS_CMYK || space == JCS_YCCK) {
        leftToOpenCv = true;
        return true;
    }
    const bool grey = d.info.num_components == 1;
    d.info.out_color_space = grey ? JCS_GRAYSCALE : JCS_EXT_BGR;
    jpeg_start_decompress(&d.info);
    out.create(static_cast<int>(d.info.output_height), static_cast<int>(d.info.output_width), grey ? CV_8UC1 : CV_8UC3);
    while (d.info.output_scanline < d.info.output_height) {
        JSAMPROW row = out.ptr(static_cast<int>(d.info.output_scanline));
        jpeg_read_scanlines(&d.info, &row, 1);
    }
    jpeg_finish_decompress(&d.info);
    return true;
}

}  // namespace

std::optional<cv::Mat> decodeJpeg(const std::string& path, const std::string& bytes) {
    ErrorManager errors;
    errors.path = &path;
    Decompressor d;
    d.info.err = jpeg_std_error(&errors.base);
    errors.base.error_exit = onError;
    errors.base.emit_message = onMessage;
    cv::Mat out;
    bool leftToOpenCv = false;
    if (!decode(d, errors, bytes, out, leftToOpenCv)) {
        throw Error(ErrorCode::BadInput, path + ": cannot decode the JPEG: " + errors.message);
    }
    if (errors.warnings > 5) coreLog().debug("{}: libjpeg: {} warnings in all", path, errors.warnings);
    if (leftToOpenCv) return std::nullopt;
    return out;
}

}  // namespace chiaro::core
