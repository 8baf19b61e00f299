#pragma once
// Test helpers for colour-managed files: ICC profiles made with LittleCMS, and JPEG / PNG byte
// streams with a profile spliced in by hand (independently of the code under test).
#include <string>
#include <vector>

#include <opencv2/core.hpp>

namespace chiaro::test {

// Adobe RGB (1998): its primaries, D65 white, gamma 563/256; described as "Adobe RGB (1998)".
std::string adobeRgbProfile();
// LittleCMS's built-in sRGB.
std::string srgbProfileBytes();
// A grey profile with a pure gamma curve (1.0: linear light).
std::string greyProfile(double gamma);
// A CMYK output profile header and description (enough to be recognised as CMYK).
std::string cmykProfile();

// `jpeg` with APP2 segments holding these payloads, inserted right after SOI.
std::string withJpegApp2(const std::string& jpeg, const std::vector<std::string>& payloads);
// `jpeg` with `profile` as `segments` ICC_PROFILE segments, written in `order` (1-based sequence
// numbers; empty: 1..segments).
std::string withJpegIcc(const std::string& jpeg,
                        const std::string& profile,
                        int segments,
                        const std::vector<int>& order = {});
// `png` with a chunk inserted right after IHDR (CRC computed with zlib).
std::string withPngChunk(const std::string& png, const std::string& type, const std::string& data);
// An iCCP chunk's data for `profile` (name, NUL, method 0, zlib stream).
std::string iccpData(const std::string& profile);

// RGB CV_8UC3 / CV_16UC3 in `from` -> CV_8UC3 sRGB, through LittleCMS's unoptimised double
// precision path (relative colorimetric + black point compensation), rounded.
cv::Mat referenceToSrgb8(const cv::Mat& rgb, const std::string& from);

// OpenCV's own decode of an image byte stream (imdecode, IMREAD_UNCHANGED), BGR -> RGB.
cv::Mat openCvDecodeRgb(const std::string& bytes);
std::string encodeJpeg(const cv::Mat& rgb, int quality = 95);
std::string encodePngPlain(const cv::Mat& rgbOrGrey);

void writeFile(const std::string& path, const std::string& bytes);

// Uniform noise from a local generator: cv::randu would advance OpenCV's global RNG, which other
// suites (GrabCut's initialisation) depend on.
void fillUniform(cv::Mat& image, double low, double high);

}  // namespace chiaro::test
