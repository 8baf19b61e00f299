// Environment lighting: a panorama reduced to at most four lights plus ambient (environment_light.h).
//
// The reduction works on a small copy of the panorama (kWorkWidth × kWorkWidth/2, area-averaged, so a
// small bright sun keeps its energy). Every texel carries luminance × solid angle. The ambient is
// the panorama's floor (its median luminance, everywhere); what rises above it is light. Lights are
// taken greedily: the brightest spot of the (blurred) excess, then everything within kClusterDeg of
// it becomes that light (energy-weighted direction and colour, spread -> size), and is removed
// before the next one. Lights weaker than kMinRelativeEnergy of the key are dropped.
#include "chiaro/light/environment_light.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "chiaro/core/atomic_file.h"
#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"
#include "chiaro/image/photo.h"

namespace chiaro::core {
namespace {

constexpr int kWorkWidth = 128;
constexpr double kClusterDeg = 35.0;
constexpr double kMinRelativeEnergy = 0.08;
constexpr double kPi = 3.14159265358979323846;

[[noreturn]] void bad(const std::string& what, const std::string& why) {
    throw Error(ErrorCode::BadInput, what + ": " + why);
}

std::string lowerExtension(const std::string& path) {
    const auto dot = path.find_last_of('.');
    if (dot == std::string::npos || path.find('/', dot) != std::string::npos) return {};
    std::string ext = path.substr(dot + 1);
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    return ext;
}

// The resolution line of a Radiance file ("-Y 512 +X 1024" and its seven siblings), read before
// any decoding so a 50,000-px header is refused without allocating its pixels.
cv::Size radianceSize(const std::string& bytes, const std::string& path) {
    if (bytes.rfind("#?", 0) != 0) bad(path, "not a Radiance HDR file (no #? signature)");
    const auto blank = bytes.find("\n\n");
    if (blank == std::string::npos) bad(path, "truncated Radiance HDR header");
    const auto lineEnd = bytes.find('\n', blank + 2);
    const std::string line = bytes.substr(blank + 2, lineEnd == std::string::npos ? 64 : lineEnd - blank - 2);
    char a0 = 0, a1 = 0, b0 = 0, b1 = 0;
    long first = -1, second = -1;
    if (std::sscanf(line.c_str(), "%c%c %ld %c%c %ld", &a0, &a1, &first, &b0, &b1, &second) != 6 ||
        (a0 != '-' && a0 != '+') || (b0 != '-' && b0 != '+') || first < 0 || second < 0)
        bad(path, "malformed Radiance HDR resolution line '" + line + "'");
    const bool rowsFirst = a1 == 'Y';
    const long width = rowsFirst ? second : first, height = rowsFirst ? first : second;
    if (width > 1'000'000 || height > 1'000'000) bad(path, "HDR size out of range");
    return {static_cast<int>(width), static_cast<int>(height)};
}

void checkSize(const cv::Size& size, const std::string& what) {
    if (size.width <= 0 || size.height <= 0)
        bad(what, "empty panorama (" + std::to_string(size.width) + "×" + std::to_string(size.height) + ")");
    if (size.width > kMaxEnvironmentWidth)
        bad(what, "panorama " + std::to_string(size.width) + " px wide, at most " +
                      std::to_string(kMaxEnvironmentWidth));
    if (std::abs(size.width - 2 * size.height) > 1)
        bad(what, "panorama is " + std::to_string(size.width) + "×" + std::to_string(size.height) +
                      ", an equirectangular panorama is 2:1");
}

cv::Mat srgbToLinear(const cv::Mat& rgb8or16) {
    cv::Mat f;
    rgb8or16.convertTo(f, CV_32FC3, rgb8or16.depth() == CV_16U ? 1.0 / 65535.0 : 1.0 / 255.0);
    f.forEach<cv::Vec3f>([](cv::Vec3f& p, const int*) {
        for (int c = 0; c < 3; ++c)
            p[c] = p[c] <= 0.04045f ? p[c] / 12.92f : std::pow((p[c] + 0.055f) / 1.055f, 2.4f);
    });
    return f;
}

double luminance(const cv::Vec3f& p) { return 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2]; }

// Direction of the texel centre (x, y) of a w × h panorama, as a unit vector of light.h's frame.
cv::Vec3d texelDirection(int x, int y, int w, int h) {
    const double u = (x + 0.5) / w, v = (y + 0.5) / h;
    const double az = 2.0 * kPi * (1.0 - u), el = kPi * (0.5 - v);
    return {std::cos(el) * std::sin(az), std::sin(el), std::cos(el) * std::cos(az)};
}

struct Texel {
    cv::Vec3d dir;
    cv::Vec3d excess;  // radiance above the ambient floor × solid angle, per channel
    double energy = 0.0;
};

}  // namespace

void checkEnvironmentMap(const cv::Mat& radianceRgb, const std::string& what) {
    checkSize(radianceRgb.size(), what);
    if (radianceRgb.type() != CV_32FC3) bad(what, "panorama is not 3-channel float");
    bool finite = true, negative = false;
    for (int y = 0; y < radianceRgb.rows && finite; ++y) {
        const float* row = radianceRgb.ptr<float>(y);
        for (int i = 0; i < radianceRgb.cols * 3; ++i) {
            if (!std::isfinite(row[i])) { finite = false; break; }
            if (row[i] < 0.0f) negative = true;
        }
    }
    if (!finite) bad(what, "panorama has NaN or infinite pixels");
    if (negative) bad(what, "panorama has negative pixels");
}

cv::Mat loadEnvironmentMap(const std::string& path) {
    const std::string ext = lowerExtension(path);
    cv::Mat rgb;
    if (ext == "hdr" || ext == "pic" || ext == "exr" || ext == "pfm") {
        const std::string bytes = readFileBytes(path);
        if (ext == "hdr" || ext == "pic") checkSize(radianceSize(bytes, path), path);
        if (ext == "exr" && !cv::haveImageReader(path))
            bad(path, "this OpenCV build does not read OpenEXR; convert the panorama to .hdr");
        cv::Mat decoded;
        try {
            decoded = cv::imdecode(cv::Mat(1, static_cast<int>(bytes.size()), CV_8U,
                                           const_cast<char*>(bytes.data())),
                                   cv::IMREAD_UNCHANGED);
        } catch (const cv::Exception& e) {
            bad(path, std::string("cannot decode panorama: ") + e.err);
        }
        if (decoded.empty()) bad(path, "cannot decode panorama (corrupt or empty)");
        if (decoded.channels() == 1) cv::cvtColor(decoded, decoded, cv::COLOR_GRAY2BGR);
        if (decoded.channels() == 4) cv::cvtColor(decoded, decoded, cv::COLOR_BGRA2BGR);
        decoded.convertTo(decoded, CV_32F);
        cv::cvtColor(decoded, rgb, cv::COLOR_BGR2RGB);
    } else if (ext == "png" || ext == "jpg" || ext == "jpeg" || ext == "tif" || ext == "tiff" || ext == "webp") {
        // An LDR panorama: its sRGB values as linear light (clipped highlights: a weak guess).
        rgb = srgbToLinear(photoToSrgb8(loadPhoto(path)));
    } else {
        bad(path, "unsupported panorama format '." + ext + "' (use .hdr, .exr, .pfm, .png, .jpg or .tif)");
    }
    checkEnvironmentMap(rgb, path);
    coreLog().info("environment {}: {}×{}", path, rgb.cols, rgb.rows);
    return rgb;
}

LightSettings rigFromEnvironment(const cv::Mat& radianceRgb, const EnvironmentRigOptions& options) {
    checkEnvironmentMap(radianceRgb, "environment");
    const int maxLights = std::clamp(options.maxLights, 1, kMaxRigLights);
    cv::Mat small;
    cv::resize(radianceRgb, small, {kWorkWidth, kWorkWidth / 2}, 0, 0, cv::INTER_AREA);
    const int w = small.cols, h = small.rows;

    // Floor = median luminance: the part of the environment that lights from everywhere.
    std::vector<double> lum;
    lum.reserve(static_cast<size_t>(w) * h);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) lum.push_back(luminance(small.at<cv::Vec3f>(y, x)));
    std::vector<double> sorted = lum;
    std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
    const double floorLum = sorted[sorted.size() / 2];

    std::vector<Texel> texels(lum.size());
    double totalEnergy = 0.0, excessEnergy = 0.0;
    for (int y = 0; y < h; ++y) {
        const double solidAngle = std::cos(kPi * (0.5 - (y + 0.5) / h)) * (2 * kPi / w) * (kPi / h);
        for (int x = 0; x < w; ++x) {
            const cv::Vec3f p = small.at<cv::Vec3f>(y, x);
            const double l = lum[static_cast<size_t>(y) * w + x];
            Texel& t = texels[static_cast<size_t>(y) * w + x];
            t.dir = texelDirection(x, y, w, h);
            // The excess keeps the texel's colour: its radiance scaled by (l - floor) / l.
            const double keep = l > floorLum && l > 0 ? (l - floorLum) / l : 0.0;
            t.excess = cv::Vec3d(p[0], p[1], p[2]) * keep * solidAngle;
            t.energy = std::max(0.0, l - floorLum) * solidAngle;
            totalEnergy += l * solidAngle;
            excessEnergy += t.energy;
        }
    }

    struct Found { cv::Vec3d dir; cv::Vec3d colour; double energy; double spreadDeg; };
    std::vector<Found> found;
    const double cosCluster = std::cos(kClusterDeg * kPi / 180.0);
    while (static_cast<int>(found.size()) < maxLights && excessEnergy > 0) {
        // The peak: the texel whose neighbourhood (within kClusterDeg / 2) holds the most energy,
        // found on a strided subset for speed, so one hot texel does not beat a broad window.
        const double cosPeak = std::cos(kClusterDeg * 0.5 * kPi / 180.0);
        size_t best = 0;
        double bestEnergy = 0.0;
        for (size_t i = 0; i < texels.size(); i += 2) {
            if (texels[i].energy <= 0) continue;
            double e = 0;
            for (const Texel& t : texels)
                if (t.energy > 0 && t.dir.dot(texels[i].dir) >= cosPeak) e += t.energy;
            if (e > bestEnergy) { bestEnergy = e; best = i; }
        }
        if (bestEnergy <= 0) break;
        cv::Vec3d sumDir(0, 0, 0), sumColour(0, 0, 0);
        double energy = 0;
        const cv::Vec3d peak = texels[best].dir;
        for (Texel& t : texels) {
            if (t.energy > 0 && t.dir.dot(peak) >= cosCluster) {
                sumDir += t.dir * t.energy;
                sumColour += t.excess;
                energy += t.energy;
            }
        }
        if (!found.empty() && energy < kMinRelativeEnergy * found.front().energy) break;
        const cv::Vec3d dir = cv::normalize(sumDir);
        double spread = 0;
        for (Texel& t : texels) {
            if (t.energy > 0 && t.dir.dot(peak) >= cosCluster) {
                spread += std::acos(std::clamp(t.dir.dot(dir), -1.0, 1.0)) * t.energy;
                excessEnergy -= t.energy;
                t.energy = 0;
            }
        }
        found.push_back({dir, sumColour, energy, spread / energy * 180.0 / kPi});
    }

    LightSettings rig;
    // The ambient: the share of the energy that is in no light (the floor and what was too weak).
    double lightEnergy = 0;
    for (const Found& f : found) lightEnergy += f.energy;
    rig.ambient = totalEnergy > 0 ? std::clamp(1.0 - lightEnergy / totalEnergy, 0.0, kMaxAmbient) : 1.0;
    if (found.empty()) {
        // A uniform panorama: one broad light from above (where skies are) and a high ambient.
        found.push_back({{0, 1, 0}, {1, 1, 1}, 1.0, 90.0});
        rig.ambient = std::max(rig.ambient, 0.6);
    }
    // Ambient in LightSettings is a level 0..1 of the map; an environment that is all floor maps
    // to 0.6 at most, so the subject's own shading still shows.
    rig.ambient = std::min(rig.ambient * 0.6, 0.6);

    std::vector<LightSource> lights;
    for (const Found& f : found) {
        LightSource s;
        s.direction = LightDirection::fromVector({f.dir[0], f.dir[1], f.dir[2]});
        s.direction = LightDirection::normalized(s.direction.azimuth + options.rotationDeg, s.direction.elevation);
        const double l = 0.2126 * f.colour[0] + 0.7152 * f.colour[1] + 0.0722 * f.colour[2];
        if (l > 0) {
            // Colour normalised to luminance 1, channels capped so a saturated light stays valid.
            s.color = {std::min(f.colour[0] / l, 4.0), std::min(f.colour[1] / l, 4.0), std::min(f.colour[2] / l, 4.0)};
        }
        s.intensity = std::clamp(f.energy / found.front().energy, 0.05, 1.0);
        s.size = std::clamp((f.spreadDeg - 2.0) / 25.0, 0.0, 1.0);
        lights.push_back(s);
    }
    rig.setLights(lights);
    coreLog().info("environment rig: {} light(s), key az {:.1f} el {:.1f}, ambient {:.2f}", lights.size(),
                   lights.front().direction.azimuth, lights.front().direction.elevation, rig.ambient);
    validateLightSettings(rig);
    return rig;
}

LightSettings rigFromBackground(const cv::Mat& backgroundRgb, const EnvironmentRigOptions& options) {
    if (backgroundRgb.empty() || backgroundRgb.channels() != 3)
        throw Error(ErrorCode::BadInput, "light from background: no background photo");
    const cv::Mat linear = srgbToLinear(backgroundRgb);
    const cv::Scalar mean = cv::mean(linear);
    cv::Mat pano(kWorkWidth / 2, kWorkWidth, CV_32FC3, cv::Scalar(mean[0], mean[1], mean[2]));
    // The photo covers azimuth 270..90 through 180 (u 0.25..0.75) and elevation +60..-30
    // (v 1/6..2/3) of the panorama.
    const cv::Rect area(kWorkWidth / 4, pano.rows / 6, kWorkWidth / 2, pano.rows * 2 / 3 - pano.rows / 6);
    cv::Mat placed;
    cv::resize(linear, placed, area.size(), 0, 0, cv::INTER_AREA);
    placed.copyTo(pano(area));
    return rigFromEnvironment(pano, options);
}

}  // namespace chiaro::core
