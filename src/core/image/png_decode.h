#pragma once
// Internal: PNG pixels through libpng with Chiaro's own error and warning handlers. OpenCV's PNG
// codec leaves libpng's defaults, which print every warning to stderr ("libpng warning: iCCP: known
// incorrect sRGB profile" on every command for a common kind of photo, dozens of lines for a damaged
// but readable file); here warnings go to the debug log and an error becomes one Error(BadInput).
#include <string>

#include <opencv2/core.hpp>

namespace chiaro::core {

// The picture as stored, in cv::imdecode(IMREAD_UNCHANGED)'s layout: 8- or 16-bit, grey (1
// channel) when the file has neither colour nor transparency, BGR (3) or BGRA (4) otherwise: grey
// with alpha becomes BGRA, so does colour with a tRNS colour key (a grey key is ignored); a palette
// is expanded; 1/2/4-bit grey becomes 8-bit. Throws Error(BadInput, "<path>: cannot decode the PNG: <libpng's reason>").
cv::Mat decodePng(const std::string& path, const std::string& bytes);

}  // namespace chiaro::core
