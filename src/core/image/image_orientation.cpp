#include "image/image_orientation.h"

namespace chiaro::core {

cv::Mat applyExifOrientation(const cv::Mat& image, int orientation) {
    if (orientation <= 1 || orientation > 8) return image;
    cv::Mat out;
    // 5..8 store the picture transposed (rows are the visual columns).
    if (orientation >= 5) cv::transpose(image, out);
    else out = image.clone();
    switch (orientation) {
        case 2: case 6: cv::flip(out, out, 1); break;   // mirror left-right
        case 3: case 7: cv::flip(out, out, -1); break;  // rotate 180
        case 4: case 8: cv::flip(out, out, 0); break;   // mirror top-bottom
        default: break;                                 // 5: transpose only
    }
    return out;
}

}  // namespace chiaro::core
