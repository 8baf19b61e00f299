// Contact sheet: thumbnails in a grid with a caption under each, RGB.
#include "chiaro/jobs/contact_sheet.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"
#include "chiaro/image/image_io.h"

namespace chiaro::core {
namespace {

const cv::Scalar kPaper(245, 245, 245);
const cv::Scalar kMissing(128, 128, 128);
const cv::Scalar kInk(20, 20, 20);
const cv::Scalar kRed(220, 0, 0);  // RGB order

// Shortens the caption with "..." until it fits `width` pixels.
std::string fitCaption(std::string text, double scale, int width) {
    int baseline = 0;
    auto fits = [&](const std::string& t) {
        return cv::getTextSize(t, cv::FONT_HERSHEY_SIMPLEX, scale, 1, &baseline).width <= width;
    };
    if (fits(text))
        return text;
    while (!text.empty() && !fits(text + "..."))
        text.pop_back();
    return text + "...";
}

void drawCell(cv::Mat& sheet, const ContactSheetEntry& entry, cv::Rect box, int captionHeight) {
    const int pad = std::max(2, box.width / 32);
    const cv::Rect imageBox(box.x + pad, box.y + pad, box.width - 2 * pad, box.width - 2 * pad);
    bool readable = true;
    try {
        cv::Mat image = loadImageRgb(entry.imagePath);
        const double scale = std::min(static_cast<double>(imageBox.width) / image.cols,
                                      static_cast<double>(imageBox.height) / image.rows);
        cv::Size size(std::max(1, static_cast<int>(std::lround(image.cols * scale))),
                      std::max(1, static_cast<int>(std::lround(image.rows * scale))));
        cv::Mat thumb;
        cv::resize(image, thumb, size, 0, 0, scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
        cv::Rect target(imageBox.x + (imageBox.width - size.width) / 2,
                        imageBox.y + (imageBox.height - size.height) / 2, size.width, size.height);
        thumb.copyTo(sheet(target));
    } catch (const Error& e) {
        readable = false;
        sheet(imageBox).setTo(kMissing);
        namedLogger("core")->warn("contact sheet: {}", e.what());
    }
    const double fontScale = std::max(0.3, box.width / 640.0);
    const std::string caption = fitCaption(entry.caption, fontScale, box.width - 2 * pad);
    const cv::Point origin(box.x + pad, box.y + box.width + captionHeight * 2 / 3);
    cv::putText(sheet, caption, origin, cv::FONT_HERSHEY_SIMPLEX, fontScale, readable ? kInk : kRed,
                1, cv::LINE_AA);
}

}  // namespace

cv::Mat makeContactSheet(const std::vector<ContactSheetEntry>& entries, int cell, int columns) {
    if (entries.empty())
        throw Error(ErrorCode::Usage, "a contact sheet needs at least one image");
    if (cell < 32 || cell > 4096)
        throw Error(ErrorCode::Usage, "contact sheet cell size must be 32..4096");
    const int count = static_cast<int>(entries.size());
    if (columns <= 0)
        columns = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(count))));
    columns = std::min(columns, count);
    const int rows = (count + columns - 1) / columns;
    const int captionHeight = std::max(16, cell / 8);
    const int cellHeight = cell + captionHeight;
    cv::Mat sheet(rows * cellHeight, columns * cell, CV_8UC3, kPaper);
    for (int i = 0; i < count; ++i) {
        drawCell(sheet, entries[i],
                 cv::Rect((i % columns) * cell, (i / columns) * cellHeight, cell, cellHeight),
                 captionHeight);
    }
    return sheet;
}

}  // namespace chiaro::core
