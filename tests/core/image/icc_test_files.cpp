#include "icc_test_files.h"

#include <catch2/catch.hpp>

#include <fstream>

#include <lcms2.h>
#include <zlib.h>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace chiaro::test {
namespace {

void describe(cmsHPROFILE profile, const char* text) {
    cmsMLU* mlu = cmsMLUalloc(nullptr, 1);
    cmsMLUsetASCII(mlu, "en", "US", text);
    cmsWriteTag(profile, cmsSigProfileDescriptionTag, mlu);
    cmsMLUfree(mlu);
}

// Saves and closes.
std::string saved(cmsHPROFILE profile) {
    REQUIRE(profile != nullptr);
    cmsUInt32Number size = 0;
    REQUIRE(cmsSaveProfileToMem(profile, nullptr, &size));
    std::string bytes(size, '\0');
    REQUIRE(cmsSaveProfileToMem(profile, bytes.data(), &size));
    cmsCloseProfile(profile);
    return bytes;
}

std::string big16(size_t value) {
    return {static_cast<char>((value >> 8) & 0xFF), static_cast<char>(value & 0xFF)};
}

std::string big32(uint32_t value) {
    return big16(value >> 16) + big16(value & 0xFFFF);
}

}  // namespace

std::string adobeRgbProfile() {
    const cmsCIExyY white = {0.3127, 0.3290, 1.0};  // D65
    const cmsCIExyYTRIPLE primaries = {{0.64, 0.33, 1.0}, {0.21, 0.71, 1.0}, {0.15, 0.06, 1.0}};
    cmsToneCurve* gamma = cmsBuildGamma(nullptr, 563.0 / 256.0);
    cmsToneCurve* curves[3] = {gamma, gamma, gamma};
    cmsHPROFILE profile = cmsCreateRGBProfile(&white, &primaries, curves);
    cmsFreeToneCurve(gamma);
    describe(profile, "Adobe RGB (1998)");
    return saved(profile);
}

std::string srgbProfileBytes() {
    return saved(cmsCreate_sRGBProfile());
}

std::string greyProfile(double gamma) {
    cmsToneCurve* curve = cmsBuildGamma(nullptr, gamma);
    cmsHPROFILE profile = cmsCreateGrayProfile(cmsD50_xyY(), curve);
    cmsFreeToneCurve(curve);
    describe(profile, "Grey test profile");
    return saved(profile);
}

std::string cmykProfile() {
    cmsHPROFILE profile = cmsCreateProfilePlaceholder(nullptr);
    cmsSetDeviceClass(profile, cmsSigOutputClass);
    cmsSetColorSpace(profile, cmsSigCmykData);
    cmsSetPCS(profile, cmsSigLabData);
    describe(profile, "CMYK test profile");
    return saved(profile);
}

std::string withJpegApp2(const std::string& jpeg, const std::vector<std::string>& payloads) {
    REQUIRE(jpeg.compare(0, 2, "\xFF\xD8") == 0);
    std::string out = jpeg.substr(0, 2);
    for (const std::string& payload : payloads) {
        REQUIRE(payload.size() + 2 <= 0xFFFF);
        out += "\xFF\xE2" + big16(payload.size() + 2) + payload;
    }
    return out + jpeg.substr(2);
}

std::string withJpegIcc(const std::string& jpeg,
                        const std::string& profile,
                        int segments,
                        const std::vector<int>& order) {
    std::vector<std::string> parts;
    const size_t step = (profile.size() + segments - 1) / segments;
    for (int i = 0; i < segments; ++i) {
        std::string payload("ICC_PROFILE\0", 12);
        payload += static_cast<char>(i + 1);
        payload += static_cast<char>(segments);
        payload += profile.substr(std::min(profile.size(), i * step), step);
        parts.push_back(payload);
    }
    std::vector<std::string> ordered;
    if (order.empty())
        ordered = parts;
    for (int sequence : order)
        ordered.push_back(parts.at(sequence - 1));
    return withJpegApp2(jpeg, ordered);
}

std::string withPngChunk(const std::string& png, const std::string& type, const std::string& data) {
    constexpr size_t kIhdrEnd = 33;
    const std::string typeAndData = type + data;
    const auto crc =
        static_cast<uint32_t>(::crc32(0, reinterpret_cast<const Bytef*>(typeAndData.data()),
                                      static_cast<uInt>(typeAndData.size())));
    return png.substr(0, kIhdrEnd) + big32(static_cast<uint32_t>(data.size())) + typeAndData +
           big32(crc) + png.substr(kIhdrEnd);
}

std::string iccpData(const std::string& profile) {
    uLongf size = compressBound(static_cast<uLong>(profile.size()));
    std::string compressed(size, '\0');
    REQUIRE(compress(reinterpret_cast<Bytef*>(compressed.data()), &size,
                     reinterpret_cast<const Bytef*>(profile.data()),
                     static_cast<uLong>(profile.size())) == Z_OK);
    compressed.resize(size);
    return std::string("test\0\0", 6) + compressed;
}

cv::Mat referenceToSrgb8(const cv::Mat& rgb, const std::string& from) {
    cmsHPROFILE in = cmsOpenProfileFromMem(from.data(), static_cast<cmsUInt32Number>(from.size()));
    cmsHPROFILE out = cmsCreate_sRGBProfile();
    cmsHTRANSFORM transform =
        cmsCreateTransform(in, TYPE_RGB_DBL, out, TYPE_RGB_DBL, INTENT_RELATIVE_COLORIMETRIC,
                           cmsFLAGS_BLACKPOINTCOMPENSATION | cmsFLAGS_NOOPTIMIZE);
    REQUIRE(transform != nullptr);
    cv::Mat input;
    rgb.convertTo(input, CV_64F, rgb.depth() == CV_16U ? 1.0 / 65535.0 : 1.0 / 255.0);
    input = input.reshape(3, 1).clone();
    cv::Mat converted(input.size(), CV_64FC3);
    cmsDoTransform(transform, input.ptr(), converted.ptr(),
                   static_cast<cmsUInt32Number>(input.cols));
    cmsDeleteTransform(transform);
    cmsCloseProfile(in);
    cmsCloseProfile(out);
    cv::Mat result;
    converted.reshape(3, rgb.rows)
        .convertTo(result, CV_8U, 255.0);  // saturates: clips out of gamut
    return result;
}

cv::Mat openCvDecodeRgb(const std::string& bytes) {
    const cv::Mat buffer(1, static_cast<int>(bytes.size()), CV_8UC1,
                         const_cast<char*>(bytes.data()));
    cv::Mat image = cv::imdecode(buffer, cv::IMREAD_UNCHANGED);
    REQUIRE_FALSE(image.empty());
    if (image.channels() == 3)
        cv::cvtColor(image, image, cv::COLOR_BGR2RGB);
    if (image.channels() == 4)
        cv::cvtColor(image, image, cv::COLOR_BGRA2RGBA);
    return image;
}

std::string encodeJpeg(const cv::Mat& rgb, int quality) {
    cv::Mat bgr;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    std::vector<uchar> bytes;
    REQUIRE(cv::imencode(".jpg", bgr, bytes, {cv::IMWRITE_JPEG_QUALITY, quality}));
    return std::string(bytes.begin(), bytes.end());
}

std::string encodePngPlain(const cv::Mat& rgbOrGrey) {
    cv::Mat image;  // a new buffer: the caller's picture stays RGB
    if (rgbOrGrey.channels() == 3)
        cv::cvtColor(rgbOrGrey, image, cv::COLOR_RGB2BGR);
    else if (rgbOrGrey.channels() == 4)
        cv::cvtColor(rgbOrGrey, image, cv::COLOR_RGBA2BGRA);
    else
        image = rgbOrGrey;
    std::vector<uchar> bytes;
    REQUIRE(cv::imencode(".png", image, bytes));
    return std::string(bytes.begin(), bytes.end());
}

void writeFile(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
    REQUIRE(out.good());
}

void fillUniform(cv::Mat& image, double low, double high) {
    cv::RNG rng(0x1C0);
    rng.fill(image, cv::RNG::UNIFORM, low, high);
}

}  // namespace chiaro::test
