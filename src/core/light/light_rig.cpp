// Light rigs: the named studio rigs, the rig file, the job JSON's light and the --light spec.
#include "chiaro/light/light_rig.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "chiaro/core/atomic_file.h"
#include "chiaro/core/error.h"
#include "chiaro/image/png_metadata.h"

namespace chiaro::core {
namespace {

constexpr int kRigFormatVersion = 1;

std::string lowerCase(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

Error rigError(const std::string& why) {
    return Error(ErrorCode::Usage, "rig: " + why);
}

LightSource lamp(double az, double el, double intensity, double kelvin, double size) {
    return {LightDirection::normalized(az, el), LightColor::fromKelvin(kelvin), intensity, size};
}

LightSettings rigOf(std::vector<LightSource> lights, double ambient) {
    LightSettings rig;
    rig.setLights(lights);
    rig.ambient = ambient;
    return rig;
}

// Positions follow the usual lighting diagrams, seen from the camera with the key on the left
// (azimuth 270..360 = camera left). Strobes are neutral (6500 K, white in Chiaro); the window is
// cool daylight with a warm bounce. Intensities keep the brightest part of the light map near
// IC-Light's 255 instead of clipping half of it.
std::vector<NamedRig> makeNamedRigs() {
    return {
        {"rembrandt", "Rembrandt",
         rigOf({lamp(315, 40, 1.0, 6500, 0.3), lamp(40, 5, 0.25, 6500, 0.8)}, 0.03)},
        {"butterfly", "Butterfly",
         rigOf({lamp(0, 50, 1.0, 6500, 0.25), lamp(0, -30, 0.2, 6500, 0.7)}, 0.03)},
        {"split", "Split", rigOf({lamp(270, 0, 1.0, 6500, 0.15)}, 0.02)},
        {"clamshell", "Clamshell",
         rigOf({lamp(0, 40, 0.8, 6500, 0.6), lamp(0, -35, 0.4, 6500, 0.7)}, 0.04)},
        {"rim-only", "Rim only",
         rigOf({lamp(125, 15, 0.9, 6500, 0.2), lamp(235, 15, 0.9, 6500, 0.2)}, 0.02)},
        {"window", "Window",
         rigOf({lamp(290, 15, 1.0, 7000, 0.9), lamp(80, 0, 0.2, 5000, 1.0)}, 0.05)},
    };
}

double numberAt(const nlohmann::json& object, const char* key, const std::string& where) {
    const auto& value = object.at(key);
    if (!value.is_number())
        throw rigError(where + key + " must be a number");
    const double v = value.get<double>();
    if (!std::isfinite(v))
        throw rigError(where + key + " must be finite");
    return v;
}

double optionalNumber(const nlohmann::json& object, const char* key, double fallback, const std::string& where) {
    return object.contains(key) ? numberAt(object, key, where) : fallback;
}

LightColor colorFrom(const nlohmann::json& value, const std::string& where) {
    if (!value.is_array() || value.size() != 3 || !value[0].is_number() || !value[1].is_number() ||
        !value[2].is_number())
        throw rigError(where + "color must be three numbers [r, g, b]");
    return {value[0].get<double>(), value[1].get<double>(), value[2].get<double>()};
}

LightSource lightFrom(const nlohmann::json& json, const std::string& where) {
    if (!json.is_object())
        throw rigError(where + "a light must be an object");
    for (const char* key : {"azimuth", "elevation"}) {
        if (!json.contains(key))
            throw rigError(where + "missing " + key);
    }
    const double el = numberAt(json, "elevation", where);
    if (el < -90.0 || el > 90.0)
        throw rigError(where + "elevation must be within -90..90");
    LightSource light;
    light.direction = LightDirection::normalized(numberAt(json, "azimuth", where), el);
    light.intensity = optionalNumber(json, "intensity", 1.0, where);
    light.size = optionalNumber(json, "size", 0.0, where);
    if (json.contains("kelvin") && json.contains("color"))
        throw rigError(where + "give kelvin or color, not both");
    if (json.contains("kelvin")) {
        try {
            light.color = LightColor::fromKelvin(numberAt(json, "kelvin", where));
        } catch (const Error& e) {
            throw rigError(where + e.what());
        }
    } else if (json.contains("color")) {
        light.color = colorFrom(json.at("color"), where);
    }
    return light;
}

nlohmann::json lightJson(const LightSource& light) {
    return {{"azimuth", light.direction.azimuth},
            {"elevation", light.direction.elevation},
            {"intensity", light.intensity},
            {"color", {light.color.r, light.color.g, light.color.b}},
            {"size", light.size}};
}

// validateLightSettings' messages start with "light"; a rig file's reader wants "rig: ...".
void validateRig(const LightSettings& rig) {
    try {
        validateLightSettings(rig);
    } catch (const Error& e) {
        throw rigError(e.what());
    }
}

}  // namespace

const std::vector<NamedRig>& namedRigs() {
    static const std::vector<NamedRig> rigs = makeNamedRigs();
    return rigs;
}

LightSettings namedRig(const std::string& name) {
    const std::string wanted = lowerCase(name);
    std::string known;
    for (const NamedRig& rig : namedRigs()) {
        if (wanted == rig.name || wanted == lowerCase(rig.title))
            return rig.light;
        known += (known.empty() ? "" : ", ") + rig.name;
    }
    throw rigError("unknown rig '" + name + "' (" + known + ")");
}

nlohmann::json rigToJson(const LightSettings& light, const std::string& name) {
    nlohmann::json lights = nlohmann::json::array();
    for (const LightSource& l : light.lights())
        lights.push_back(lightJson(l));
    nlohmann::json json = {{"chiaro_rig", kRigFormatVersion}, {"ambient", light.ambient}, {"lights", lights}};
    if (!name.empty())
        json["name"] = name;
    return json;
}

LightSettings rigFromJson(const nlohmann::json& json) {
    if (!json.is_object())
        throw rigError("not a JSON object");
    if (!json.contains("lights") || !json.at("lights").is_array())
        throw rigError("no \"lights\" list");
    const auto& list = json.at("lights");
    if (list.empty())
        throw rigError("no lights (a rig has 1 to " + std::to_string(kMaxRigLights) + ")");
    if (list.size() > static_cast<size_t>(kMaxRigLights)) {
        throw rigError(std::to_string(list.size()) + " lights, at most " + std::to_string(kMaxRigLights));
    }
    std::vector<LightSource> lights;
    for (size_t i = 0; i < list.size(); ++i)
        lights.push_back(lightFrom(list[i], "light " + std::to_string(i + 1) + ": "));
    LightSettings rig;
    rig.setLights(lights);
    rig.ambient = optionalNumber(json, "ambient", 0.0, "");
    validateRig(rig);
    return rig;
}

nlohmann::json lightToJobJson(const LightSettings& light) {
    nlohmann::json json = {{"color", {light.color.r, light.color.g, light.color.b}},
                           {"intensity", light.intensity}};
    if (light.direction) {
        json["azimuth"] = light.direction->azimuth;
        json["elevation"] = light.direction->elevation;
    } else {
        json["preset"] = "none";
    }
    if (light.isSingleLight())
        return json;  // as before rigs: results and queues of older versions read the same
    json["size"] = light.size;
    json["ambient"] = light.ambient;
    nlohmann::json others = nlohmann::json::array();
    for (const LightSource& l : light.otherLights)
        others.push_back(lightJson(l));
    json["others"] = others;
    return json;
}

void lightFromJobJson(const nlohmann::json& json, LightSettings& light) {
    if (json.contains("azimuth") && json.contains("elevation")) {
        light.direction = LightDirection::normalized(json.at("azimuth").get<double>(),
                                                     json.at("elevation").get<double>());
    } else {
        light.direction.reset();
    }
    if (json.contains("color") && json.at("color").size() == 3)
        light.color = colorFrom(json.at("color"), "");
    if (json.contains("intensity"))
        light.intensity = json.at("intensity").get<double>();
    light.size = optionalNumber(json, "size", 0.0, "");
    light.ambient = optionalNumber(json, "ambient", 0.0, "");
    light.otherLights.clear();
    if (json.contains("others")) {
        const auto& others = json.at("others");
        if (!others.is_array() || others.size() > static_cast<size_t>(kMaxRigLights - 1))
            throw rigError("\"others\" must be a list of at most " + std::to_string(kMaxRigLights - 1) + " lights");
        for (size_t i = 0; i < others.size(); ++i)
            light.otherLights.push_back(lightFrom(others[i], "light " + std::to_string(i + 2) + ": "));
    }
    validateRig(light);
}

LightSettings loadRigFile(const std::string& path) {
    const std::string ext = lowerCase(std::filesystem::path(path).extension().string());
    if (ext == ".png") {
        const PngTextChunks chunks = readPngTextChunksFromFile(path);
        const auto it = chunks.utf8.find("chiaro");
        const auto json = it == chunks.utf8.end() ? nlohmann::json() : nlohmann::json::parse(it->second, nullptr, false);
        if (!json.is_object() || !json.contains("light") || !json.at("light").is_object())
            throw Error(ErrorCode::BadInput, path + ": this PNG holds no Chiaro job, so no rig");
        LightSettings light;
        try {
            lightFromJobJson(json.at("light"), light);
        } catch (const nlohmann::json::exception& e) {
            throw Error(ErrorCode::BadInput, path + ": malformed light in the PNG's job: " + e.what());
        }
        if (!light.direction)
            throw Error(ErrorCode::BadInput, path + ": the job in this PNG had no light (preset none)");
        return light;
    }
    const std::string bytes = readFileBytes(path);
    const auto json = nlohmann::json::parse(bytes, nullptr, false);
    if (json.is_discarded())
        throw Error(ErrorCode::BadInput, path + ": not JSON (a rig file is JSON, or a PNG made by Chiaro)");
    try {
        return rigFromJson(json);
    } catch (const Error& e) {
        throw Error(e.code(), path + ": " + e.what());
    }
}

void saveRigFile(const std::string& path, const LightSettings& light, const std::string& name) {
    validateRig(light);
    if (!light.direction)
        throw rigError("a light without direction (none) is not a rig");
    writeFileAtomic(path, rigToJson(light, name).dump(2) + "\n");
}

LightSource parseLightSpec(const std::string& text) {
    std::vector<std::string> fields;
    size_t start = 0;
    for (;;) {
        const size_t comma = text.find(',', start);
        fields.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    const auto fail = [&](const std::string& why) {
        return Error(ErrorCode::Usage, "--light: " + why + ", got '" + text + "'");
    };
    if (fields.size() < 2 || fields.size() > 5)
        throw fail("expected AZ,EL[,INTENSITY[,KELVIN[,SIZE]]]");
    const char* names[] = {"azimuth", "elevation", "intensity", "kelvin", "size"};
    double values[5] = {0.0, 0.0, 1.0, 6500.0, 0.0};
    for (size_t i = 0; i < fields.size(); ++i) {
        const std::string& f = fields[i];
        char* end = nullptr;
        const double v = std::strtod(f.c_str(), &end);
        const bool blank = f.find_first_not_of(" \t") == std::string::npos;
        if (blank || end == f.c_str() || f.find_first_not_of(" \t", static_cast<size_t>(end - f.c_str())) != std::string::npos ||
            !std::isfinite(v))
            throw fail(std::string(names[i]) + " is not a number");
        values[i] = v;
    }
    if (values[1] < -90.0 || values[1] > 90.0)
        throw fail("elevation must be within [-90, 90]");
    if (values[2] < 0.0 || values[2] > kMaxLightIntensity)
        throw fail("intensity must be within 0..2");
    if (values[3] < 1000.0 || values[3] > 40000.0)
        throw fail("kelvin must be within 1000..40000");
    if (values[4] < 0.0 || values[4] > 1.0)
        throw fail("size must be within 0..1");
    return {LightDirection::normalized(values[0], values[1]), LightColor::fromKelvin(values[3]), values[2], values[4]};
}

LightSettings rotatedRig(const LightSettings& light, double degrees) {
    LightSettings out = light;
    std::vector<LightSource> lights = light.lights();
    for (LightSource& l : lights)
        l.direction = LightDirection::normalized(l.direction.azimuth + degrees, l.direction.elevation);
    out.setLights(lights);
    return out;
}

LightSettings mirroredRig(const LightSettings& light) {
    LightSettings out = light;
    std::vector<LightSource> lights = light.lights();
    for (LightSource& l : lights)
        l.direction = LightDirection::normalized(360.0 - l.direction.azimuth, l.direction.elevation);
    out.setLights(lights);
    return out;
}

}  // namespace chiaro::core
