// loadPhoto (photo.h): decode as stored, keep 8/16-bit samples, apply the EXIF orientation, split
// off the alpha, and decide the colour space from the embedded ICC profile.
#include <opencv2/imgproc.hpp>

#include "chiaro/core/atomic_file.h"
#include "chiaro/core/logging.h"
#include "chiaro/image/photo.h"
#include "image/colour_profiles.h"
#include "image/icc_extract.h"
#include "image/image_decode.h"
#include "image/image_orientation.h"

namespace chiaro::core {
namespace {

// Samples as a Photo keeps them: 8- or 16-bit. Float images are 0..1 (OpenCV's TIFF decoder).
cv::Mat toPhotoDepth(const std::string& path, const cv::Mat& image) {
    cv::Mat out;
    switch (image.depth()) {
        case CV_8U:
        case CV_16U:
            return image;
        case CV_32F:
        case CV_64F:
            image.convertTo(out, CV_16U, 65535.0);
            return out;  // rounds and clamps
        default:
            badImageFile(path, "unsupported sample type (expected 8-bit, 16-bit or float)");
    }
}

struct Planes {
    cv::Mat colour;  // OpenCV's layout: grey (1 channel) or BGR (3)
    cv::Mat alpha;   // empty when the file has none
};

Planes splitAlpha(const std::string& path, const cv::Mat& image) {
    Planes planes;
    switch (image.channels()) {
        case 1:
        case 3:
            planes.colour = image;
            return planes;
        case 2:
        case 4: {
            std::vector<cv::Mat> channels;
            cv::split(image, channels);
            planes.alpha = channels.back();
            channels.pop_back();
            cv::merge(channels, planes.colour);
            return planes;
        }
        default:
            badImageFile(path, "unsupported number of channels");
    }
}

bool isOpaque(const cv::Mat& alpha) {
    double minValue = 0.0;
    cv::minMaxLoc(alpha, &minValue);
    return minValue >= (alpha.depth() == CV_16U ? 65535.0 : 255.0);
}

cv::Mat toRgb(const cv::Mat& colour) {
    cv::Mat rgb;
    cv::cvtColor(colour, rgb, colour.channels() == 1 ? cv::COLOR_GRAY2RGB : cv::COLOR_BGR2RGB);
    return rgb;
}

void warnSrgb(const std::string& path, const std::string& problem) {
    coreLog().warn("{}: {}; the photo is treated as sRGB", path, problem);
}

// The colour space's four-character code ("CMYK", "Lab"), or its hex value when a damaged profile
// holds bytes that are not printable.
std::string spaceName(uint32_t space) {
    std::string name;
    for (int shift = 24; shift >= 0; shift -= 8) {
        const auto c = static_cast<unsigned char>((space >> shift) & 0xFF);
        if (c < 32 || c > 126)
            return fmt::format("unknown colour space 0x{:08X}", space);
        name.push_back(static_cast<char>(c));
    }
    while (!name.empty() && name.back() == ' ')
        name.pop_back();
    return name;
}

// A grey image tagged with a grey profile: its tone curve is honoured by converting to sRGB here,
// at the file's bit depth, so the photo stays colour (the relit result may not be grey).
bool greyToSrgb(Photo& photo, const cv::Mat& grey, const icc::Profile& profile) {
    const bool wide = grey.depth() == CV_16U;
    const icc::Profile srgb = icc::srgbProfile();
    const icc::Transform transform = icc::makeTransform(
        profile, wide ? TYPE_GRAY_16 : TYPE_GRAY_8, srgb, wide ? TYPE_RGB_16 : TYPE_RGB_8, wide);
    if (!transform)
        return false;
    photo.pixels.create(grey.size(), wide ? CV_16UC3 : CV_8UC3);
    icc::applyTransform(transform, grey, photo.pixels);
    return true;
}

// An RGB profile on an RGB image: kept unless it is unusable or sRGB in all but name.
bool keepRgbProfile(const std::string& path,
                    const icc::Profile& profile,
                    const std::string& description) {
    const icc::Profile srgb = icc::srgbProfile();
    if (!icc::makeTransform(profile, TYPE_RGB_16, srgb, TYPE_RGB_8)) {
        warnSrgb(path, "the ICC profile '" + description + "' cannot be used for a conversion");
        return false;
    }
    if (icc::isSrgbEquivalent(profile)) {
        coreLog().debug("{}: the ICC profile '{}' is sRGB", path, description);
        return false;
    }
    return true;
}

// Sets pixels, iccProfile and colourSpace from the decoded colour planes and the embedded profile.
void setColour(Photo& photo,
               const std::string& path,
               const cv::Mat& colour,
               const ImageHeader& header,
               std::string_view fileBytes) {
    photo.colourSpace = "sRGB";
    const bool cmykJpeg = header.format == ImageFormat::Jpeg && header.jpegComponents == 4;
    EmbeddedProfile embedded = extractIccProfile(fileBytes, header);
    icc::Profile profile = icc::openProfile(embedded.bytes);
    const std::string description = profile ? icc::profileDescription(profile) : std::string();
    // A plain integer, not the enum: a damaged profile can hold any 32-bit value there, and an enum
    // variable holding a value outside its enumerators is undefined behaviour.
    const uint32_t space =
        profile ? static_cast<uint32_t>(cmsGetColorSpace(profile.get())) : uint32_t{cmsSigRgbData};
    if (cmykJpeg && profile && space == cmsSigCmykData) {
        badImageFile(path,
                     "a CMYK JPEG with a CMYK ICC profile ('" + description +
                         "'), which Chiaro cannot convert faithfully: convert it to RGB first");
    }
    if (cmykJpeg)
        coreLog().warn("{}: a CMYK JPEG, converted to RGB without colour management", path);
    if (!embedded.problem.empty()) {
        warnSrgb(path, embedded.problem);
    } else if (!embedded.bytes.empty() && !profile) {
        warnSrgb(path, "the embedded ICC profile is unreadable");
    } else if (profile && !cmykJpeg && space == cmsSigGrayData && colour.channels() == 1) {
        if (greyToSrgb(photo, colour, profile))
            return;
        warnSrgb(path,
                 "the grey ICC profile '" + description + "' cannot be used for a conversion");
    } else if (profile && !cmykJpeg && space == cmsSigRgbData && colour.channels() == 3) {
        if (keepRgbProfile(path, profile, description)) {
            photo.iccProfile = std::move(embedded.bytes);
            photo.colourSpace = description.empty() ? "unnamed ICC profile" : description;
        }
    } else if (profile) {
        warnSrgb(path, "the ICC profile '" + description + "' is for " + spaceName(space) +
                           " data, not for this " + (colour.channels() == 1 ? "grey" : "colour") +
                           " image");
    }
    photo.pixels = toRgb(colour);
}

}  // namespace

int Photo::bitDepth() const {
    return pixels.depth() == CV_16U ? 16 : 8;
}

bool Photo::isSrgb() const {
    return iccProfile.empty();
}

Photo loadPhoto(const std::string& path) {
    const std::string bytes = readFileBytes(path);
    const ImageHeader header = checkedHeader(path, bytes);
    const cv::Mat stored = toPhotoDepth(path, decodeStored(path, bytes, header));
    const Planes planes = splitAlpha(path, applyExifOrientation(stored, header.exifOrientation));
    Photo photo;
    setColour(photo, path, planes.colour, header, bytes);
    if (!planes.alpha.empty() && !isOpaque(planes.alpha))
        photo.alpha = planes.alpha;
    coreLog().debug("loaded {} ({}x{}, {}-bit, {}{})", path, photo.pixels.cols, photo.pixels.rows,
                    photo.bitDepth(), photo.colourSpace, photo.alpha.empty() ? "" : ", alpha");
    return photo;
}

}  // namespace chiaro::core
