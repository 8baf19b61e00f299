#include "rle.h"

#include "chiaro/core/error.h"

namespace chiaro::core::rle {

std::vector<uint8_t> encode(const cv::Mat& pixels) {
    std::vector<uint8_t> runs;
    int count = 0;
    uint8_t current = 0;
    for (int y = 0; y < pixels.rows; ++y) {
        const uint8_t* row = pixels.ptr<uint8_t>(y);
        for (int x = 0; x < pixels.cols; ++x) {
            if (count > 0 && row[x] == current && count < 256) {
                ++count;
                continue;
            }
            if (count > 0) runs.insert(runs.end(), {static_cast<uint8_t>(count - 1), current});
            current = row[x];
            count = 1;
        }
    }
    if (count > 0) runs.insert(runs.end(), {static_cast<uint8_t>(count - 1), current});
    runs.shrink_to_fit();
    return runs;
}

void decode(const std::vector<uint8_t>& runs, cv::Mat& out) {
    int x = 0, y = 0;
    uint8_t* row = out.rows > 0 ? out.ptr<uint8_t>(0) : nullptr;
    for (size_t i = 0; i + 1 < runs.size(); i += 2) {
        for (int n = runs[i] + 1; n > 0; --n) {
            if (y >= out.rows) throw Error(ErrorCode::Failure, "mask undo: tile data overruns the tile");
            row[x] = runs[i + 1];
            if (++x == out.cols) {
                x = 0;
                if (++y < out.rows) row = out.ptr<uint8_t>(y);
            }
        }
    }
}

}  // namespace chiaro::core::rle
