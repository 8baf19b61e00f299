#pragma once
// Internal: finds the ICC profile embedded in an image file's bytes, without decoding any pixel.
// Bounds checked on hostile input: a broken container gives a problem text, never an over-read.
#include <string>
#include <string_view>

#include "image/image_header.h"

namespace chiaro::core {

struct EmbeddedProfile {
    std::string bytes;  // the profile, empty when there is none (or it is broken)
    std::string
        problem;  // why an embedded profile could not be taken out, e.g. "incomplete ICC segments"
};

// JPEG: APP2 "ICC_PROFILE" segments joined in sequence order. PNG: the iCCP chunk, inflated.
// TIFF: tag 34675 of IFD0. WebP: the "ICCP" chunk. BMP: none.
EmbeddedProfile extractIccProfile(std::string_view file, const ImageHeader& header);

// The ICC header's data colour space signature ("RGB ", "GRAY", "CMYK"...), empty when the
// profile is shorter than a header.
std::string iccDataColourSpace(std::string_view profile);

}  // namespace chiaro::core
