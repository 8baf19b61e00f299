#pragma once
// Light rigs (issue #21): several lights with ambient as one LightSettings, the studio's named
// rigs, the rig file format and the command-line light spec.
//
// A rig file is JSON (docs/LIGHT_RIGS.md):
//   {"chiaro_rig": 1, "name": "my key and rim", "ambient": 0.05,
//    "lights": [{"azimuth": 315, "elevation": 35, "intensity": 1.1, "kelvin": 5600, "size": 0.3},
//               {"azimuth": 150, "elevation": 20, "intensity": 0.8, "color": [1, 0.9, 0.8]}]}
// Per light: azimuth and elevation (required), intensity (default 1), either kelvin or color
// (linear RGB multipliers; default white), size (default 0). At most four lights, at least one.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "chiaro/light/light.h"

namespace chiaro::core {

struct NamedRig {
    std::string name;  // "rembrandt", "butterfly", "split", "clamshell", "rim-only", "window"
    std::string title; // "Rembrandt", "Butterfly", ... for menus and sheets
    LightSettings light;
};

// The studio's named rigs, in menu order. Facing the camera with the key on the left (az 270..360)
// as photographers draw them; the user mirrors or rotates them on the sphere.
const std::vector<NamedRig>& namedRigs();
// The rig called `name` (case-insensitive, also accepts the title); throws Error(Usage) listing
// the names when there is none.
LightSettings namedRig(const std::string& name);

// The rig as rig-file JSON (above). `name` may be empty.
nlohmann::json rigToJson(const LightSettings& light, const std::string& name = {});
// Parses rig-file JSON. Throws Error(Usage) with the reason for a malformed rig: not an object, no
// or more than four lights, a missing or non-numeric angle, an intensity, size or ambient out of
// range (negative included), kelvin and color together, a bad colour.
LightSettings rigFromJson(const nlohmann::json& json);

// The light as the job JSON stores it (the `light` object of jobToJson, CONTRACTS.md §5): the key
// light's azimuth, elevation (or "preset": "none"), color, intensity, and when set size, ambient
// and "others" (the rig's other lights, as rig-file lights with color). Single lights are written
// exactly as before the rig.
nlohmann::json lightToJobJson(const LightSettings& light);
// Reads that object; lenient like jobFromJson (missing keys keep `light`'s values), but throws
// Error(Usage) for a rig that breaks the rules of rigFromJson.
void lightFromJobJson(const nlohmann::json& json, LightSettings& light);

// Reads a rig from `path`: a rig file (.json), or a PNG written by Chiaro (the light of the job
// in its `chiaro` metadata). Throws Error(BadInput) for a file that cannot be read or holds no rig,
// Error(Usage) for a rig that breaks the rules of rigFromJson.
LightSettings loadRigFile(const std::string& path);
// Writes `light` as a rig file, atomically. Throws Error(Io) on failure.
void saveRigFile(const std::string& path, const LightSettings& light, const std::string& name = {});

// Parses one `--light AZ,EL[,INTENSITY[,KELVIN[,SIZE]]]` spec. Throws Error(Usage) naming the bad
// field.
LightSource parseLightSpec(const std::string& text);

// The rig turned about the vertical axis: `degrees` added to every light's azimuth.
LightSettings rotatedRig(const LightSettings& light, double degrees);
// The rig mirrored left-right (azimuth -> 360 - azimuth).
LightSettings mirroredRig(const LightSettings& light);

}  // namespace chiaro::core
