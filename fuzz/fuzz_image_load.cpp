// libFuzzer: the image loader wrapper (header probe, pixel limit, OpenCV decode, EXIF orientation,
// 16-bit / grey / alpha conversion) on arbitrary bytes written to a file. Either it loads or it
// throws Error(BadInput); anything else is a bug. Headers over 4 megapixels are only probed, so the
// fuzzer spends its time on decoding paths rather than on huge allocations.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include "chiaro/core/error.h"
#include "chiaro/image/image_io.h"

namespace {

const std::string& scratchPath() {
    static const std::string path = "/tmp/chiaro-fuzz-image-" + std::to_string(::getpid());
    return path;
}

template <typename Fn>
void expectLoadOrBadInput(Fn&& fn) {
    try {
        fn();
    } catch (const chiaro::core::Error& e) {
        if (e.code() != chiaro::core::ErrorCode::BadInput) std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    {
        std::ofstream out(scratchPath(), std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    cv::Size size2d;
    try {
        size2d = chiaro::core::probeImageSize(scratchPath());
    } catch (const chiaro::core::Error& e) {
        if (e.code() != chiaro::core::ErrorCode::BadInput) std::abort();
        return 0;
    }
    if (static_cast<long long>(size2d.width) * size2d.height > (4LL << 20)) return 0;
    expectLoadOrBadInput([] {
        const cv::Mat rgb = chiaro::core::loadImageRgb(scratchPath());
        if (rgb.type() != CV_8UC3) std::abort();
    });
    expectLoadOrBadInput([] {
        const cv::Mat any = chiaro::core::loadImageAny(scratchPath());
        if (any.type() != CV_8UC3 && any.type() != CV_8UC4) std::abort();
    });
    expectLoadOrBadInput([] {
        const cv::Mat mask = chiaro::core::loadMask(scratchPath(), {17, 9});
        if (mask.type() != CV_8UC1 || mask.size() != cv::Size(17, 9)) std::abort();
    });
    return 0;
}
