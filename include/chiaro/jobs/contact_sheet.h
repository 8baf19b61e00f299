#pragma once
// A contact sheet: a grid of thumbnails with captions, written at the end of a batch so a reviewer
// sees every result on one page.
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace chiaro::core {

struct ContactSheetEntry {
    std::string imagePath;  // unreadable files get a grey cell with the caption in red
    std::string caption;
};

// RGB CV_8UC3; `cell` is the thumbnail box (aspect kept), `columns` 0 = about square.
cv::Mat makeContactSheet(const std::vector<ContactSheetEntry>& entries, int cell = 256, int columns = 0);

}  // namespace chiaro::core
