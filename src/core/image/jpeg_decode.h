#pragma once
// Internal: JPEG pixels through libjpeg(-turbo) with Chiaro's own message handler. OpenCV's codec
// leaves libjpeg's, which prints warnings such as "Corrupt JPEG data: 64 extraneous bytes before
// marker 0xd9" to stderr for a damaged but readable photo; here they go to the debug log and an
// error becomes one Error(BadInput).
#include <optional>
#include <string>

#include <opencv2/core.hpp>

namespace chiaro::core {

// The picture as stored, in cv::imdecode(IMREAD_UNCHANGED)'s layout: 8-bit grey (1 channel) or BGR
// (3), same pixels (libjpeg's defaults: islow DCT, fancy upsampling). Returns nothing for the
// colour spaces this decoder leaves to OpenCV (CMYK and YCCK, converted there). Throws
// Error(BadInput, "<path>: cannot decode the JPEG: <libjpeg's reason>").
std::optional<cv::Mat> decodeJpeg(const std::string& path, const std::string& bytes);

}  // namespace chiaro::core
