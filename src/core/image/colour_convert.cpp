// photoToSrgb8, srgbToProfileFloat and profileToSrgbFloat (photo.h): LittleCMS conversions between
// a photo's own colour space and the sRGB the model works in.
#include "chiaro/core/error.h"
#include "chiaro/image/photo.h"
#include "image/colour_profiles.h"

namespace chiaro::core {
namespace {

icc::Profile openRgbProfile(const std::string& iccProfile, const char* caller) {
    icc::Profile profile = icc::openProfile(iccProfile);
    if (!profile || cmsGetColorSpace(profile.get()) != cmsSigRgbData) {
        throw Error(ErrorCode::BadInput,
                    std::string(caller) + ": the ICC profile is not a readable RGB profile");
    }
    return profile;
}

icc::Transform checkedTransform(const icc::Profile& from,
                                cmsUInt32Number fromFormat,
                                const icc::Profile& to,
                                cmsUInt32Number toFormat,
                                const char* caller,
                                bool exact = false) {
    icc::Transform transform = icc::makeTransform(from, fromFormat, to, toFormat, exact);
    if (!transform)
        throw Error(ErrorCode::BadInput,
                    std::string(caller) + ": LittleCMS cannot use the ICC profile");
    return transform;
}

void requireType(const cv::Mat& image, int type, const char* caller, const char* expected) {
    if (image.empty() || image.type() != type) {
        throw Error(ErrorCode::Usage,
                    std::string(caller) + ": expects a non-empty " + expected + " image");
    }
}

cv::Mat convertFloat(const cv::Mat& in,
                     const std::string& iccProfile,
                     bool toProfile,
                     const char* caller) {
    requireType(in, CV_32FC3, caller, "CV_32FC3");
    if (iccProfile.empty())
        return in.clone();
    const icc::Profile profile = openRgbProfile(iccProfile, caller);
    const icc::Profile srgb = icc::srgbProfile();
    const icc::Transform transform =
        toProfile ? checkedTransform(srgb, TYPE_RGB_FLT, profile, TYPE_RGB_FLT, caller)
                  : checkedTransform(profile, TYPE_RGB_FLT, srgb, TYPE_RGB_FLT, caller);
    cv::Mat out(in.size(), CV_32FC3);
    icc::applyTransform(transform, in, out);
    return out;
}

}  // namespace

cv::Mat photoToSrgb8(const Photo& photo) {
    constexpr const char* kCaller = "photoToSrgb8";
    const cv::Mat& pixels = photo.pixels;
    if (pixels.empty() || (pixels.type() != CV_8UC3 && pixels.type() != CV_16UC3)) {
        throw Error(ErrorCode::Usage,
                    std::string(kCaller) + ": expects a non-empty CV_8UC3 or CV_16UC3 photo");
    }
    cv::Mat out;
    if (photo.isSrgb()) {
        // What loadImageRgb always gave: 16-bit values / 257, rounded (65535 -> 255).
        pixels.convertTo(out, CV_8U, pixels.depth() == CV_16U ? 1.0 / 257.0 : 1.0);
        return out;
    }
    const icc::Profile profile = openRgbProfile(photo.iccProfile, kCaller);
    const icc::Profile srgb = icc::srgbProfile();
    const bool wide = pixels.depth() == CV_16U;
    const icc::Transform transform =
        checkedTransform(profile, wide ? TYPE_RGB_16 : TYPE_RGB_8, srgb, TYPE_RGB_8, kCaller, wide);
    out.create(pixels.size(), CV_8UC3);
    icc::applyTransform(transform, pixels, out);
    return out;
}

cv::Mat srgbToProfileFloat(const cv::Mat& srgb, const std::string& iccProfile) {
    return convertFloat(srgb, iccProfile, true, "srgbToProfileFloat");
}

cv::Mat profileToSrgbFloat(const cv::Mat& encoded, const std::string& iccProfile) {
    return convertFloat(encoded, iccProfile, false, "profileToSrgbFloat");
}

}  // namespace chiaro::core
