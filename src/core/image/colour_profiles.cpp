#include "image/colour_profiles.h"

#include <cmath>

#include "chiaro/core/logging.h"

namespace chiaro::core::icc {
namespace {

constexpr cmsUInt32Number kIntent = INTENT_RELATIVE_COLORIMETRIC;
constexpr cmsUInt32Number kFlags = cmsFLAGS_BLACKPOINTCOMPENSATION | cmsFLAGS_NOCACHE;
// Grid of the sRGB-equivalence probe: 9^3 colours spread over the cube, corners included.
constexpr int kProbeSteps = 9;
// One 8-bit level: the widespread HP "sRGB IEC61966-2.1" profile is 0.51 levels off LittleCMS's
// sRGB at pure green (rounded colorants), and must count as sRGB.
constexpr double kSrgbTolerance = 1.0 / 255.0;

void logLcmsError(cmsContext, cmsUInt32Number code, const char* text) {
    coreLog().debug("LittleCMS error {}: {}", code, text);
}

// A context of our own, so LittleCMS's complaints reach the core logger without changing the
// process-wide default handler that another library might rely on.
cmsContext context() {
    static const cmsContext made = [] {
        cmsContext ctx = cmsCreateContext(nullptr, nullptr);
        cmsSetLogErrorHandlerTHR(ctx, logLcmsError);
        return ctx;
    }();
    return made;
}

}  // namespace

Profile openProfile(std::string_view bytes) {
    if (bytes.empty())
        return Profile();
    return Profile(cmsOpenProfileFromMemTHR(context(), bytes.data(),
                                            static_cast<cmsUInt32Number>(bytes.size())));
}

Profile srgbProfile() {
    return Profile(cmsCreate_sRGBProfileTHR(context()));
}

std::string profileDescription(const Profile& profile) {
    const cmsUInt32Number size =
        cmsGetProfileInfoASCII(profile.get(), cmsInfoDescription, "en", "US", nullptr, 0);
    if (size <= 1)
        return {};
    std::string text(size, '\0');
    cmsGetProfileInfoASCII(profile.get(), cmsInfoDescription, "en", "US", text.data(), size);
    text.resize(text.find('\0'));  // size counts the terminating NUL
    return text;
}

Transform makeTransform(const Profile& from,
                        cmsUInt32Number fromFormat,
                        const Profile& to,
                        cmsUInt32Number toFormat,
                        bool exact) {
    if (!from || !to)
        return Transform();
    const cmsUInt32Number flags = kFlags | (exact ? cmsFLAGS_NOOPTIMIZE : 0);
    return Transform(cmsCreateTransformTHR(context(), from.get(), fromFormat, to.get(), toFormat,
                                           kIntent, flags));
}

void applyTransform(const Transform& transform, const cv::Mat& in, cv::Mat& out) {
    CV_Assert(in.size() == out.size());
    const auto width = static_cast<cmsUInt32Number>(in.cols);
    cv::parallel_for_(cv::Range(0, in.rows), [&](const cv::Range& rows) {
        for (int y = rows.start; y < rows.end; ++y)
            cmsDoTransform(transform.get(), in.ptr(y), out.ptr(y), width);
    });
}

bool isSrgbEquivalent(const Profile& rgbProfile) {
    const Profile srgb = srgbProfile();
    const Transform transform = makeTransform(rgbProfile, TYPE_RGB_FLT, srgb, TYPE_RGB_FLT);
    if (!transform)
        return false;
    cv::Mat probe(1, kProbeSteps * kProbeSteps * kProbeSteps, CV_32FC3);
    for (int i = 0; i < probe.cols; ++i) {
        const int r = i % kProbeSteps, g = (i / kProbeSteps) % kProbeSteps,
                  b = i / (kProbeSteps * kProbeSteps);
        probe.at<cv::Vec3f>(0, i) = cv::Vec3f(r, g, b) / float(kProbeSteps - 1);
    }
    cv::Mat converted(probe.size(), probe.type());
    applyTransform(transform, probe, converted);
    return cv::norm(probe, converted, cv::NORM_INF) < kSrgbTolerance;
}

}  // namespace chiaro::core::icc
