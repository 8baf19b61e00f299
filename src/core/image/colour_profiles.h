#pragma once
// Internal: LittleCMS behind small owning handles. Every transform is relative colorimetric with
// black point compensation and without LittleCMS's one-pixel cache, so one transform may run on
// several threads at once (LittleCMS's rule for cmsDoTransform).
#include <memory>
#include <string>
#include <string_view>

#include <lcms2.h>
#include <opencv2/core.hpp>

namespace chiaro::core::icc {

struct ProfileCloser {
    void operator()(void* profile) const { cmsCloseProfile(profile); }
};
struct TransformDeleter {
    void operator()(void* transform) const { cmsDeleteTransform(transform); }
};
using Profile = std::unique_ptr<void, ProfileCloser>;
using Transform = std::unique_ptr<void, TransformDeleter>;

// Null when LittleCMS cannot parse `bytes` (its reason is logged at debug level).
Profile openProfile(std::string_view bytes);
Profile srgbProfile();

// The profile's English description ("Adobe RGB (1998)"), empty when it has none.
std::string profileDescription(const Profile& profile);

// Null when LittleCMS cannot link the two profiles with these formats (LittleCMS TYPE_* values).
// `exact` evaluates the full pipeline for every pixel: LittleCMS otherwise resamples a 16-bit
// input transform into a 3D table that is up to ~20 8-bit levels off in dark saturated colours
// (its 8-bit input path stays within 1 level and is about eight times faster).
Transform makeTransform(const Profile& from,
                        cmsUInt32Number fromFormat,
                        const Profile& to,
                        cmsUInt32Number toFormat,
                        bool exact = false);

// Converts every row of `in` into `out` (same size, allocated by the caller), rows in parallel.
void applyTransform(const Transform& transform, const cv::Mat& in, cv::Mat& out);

// True when converting from this RGB profile to sRGB moves no colour by one 8-bit step or more:
// the photo can then be treated as sRGB (and skip a full-frame conversion).
bool isSrgbEquivalent(const Profile& rgbProfile);

}  // namespace chiaro::core::icc
