#pragma once
// The preview's shading model (private to the light module), shared by the relighter's preparation
// (dividing out the photo's light) and its render loop (applying the new one). Linear light.
namespace chiaro::core::preview {

constexpr float kAmbient = 0.10f;  // light reaching the side facing away from the lamp
constexpr float kDiffuse =
    1.2f;  // a surface facing the light ends up a little brighter than the photo
// "Wrapped" Lambert: max(0, (n·L + w) / (1 + w)). The terminator softens like a large light
// source's, and a light from behind still catches the silhouette's rim (where the normals turn
// sideways).
constexpr float kWrap = 0.3f;
constexpr float kSpecular = 0.18f;     // peak of the soft highlight at intensity 1
constexpr int kSpecularSquarings = 5;  // shininess 2^5 = 32
// The unmasked background is washed, not re-shaded: factor kWashBase + kWashGain × map shading,
// which is 1 where the light map is mid-grey.
constexpr float kWashBase = 0.45f;
constexpr float kWashGain = 1.1f;
// The photo's estimated shading is never divided below this (keeps dim rims from blowing out).
constexpr float kMinOriginalShading = 0.45f;

inline float wrapped(float nDotL) {
    const float v = (nDotL + kWrap) * (1.0f / (1.0f + kWrap));
    return v > 0.0f ? v : 0.0f;
}

// Shading at intensity 1 in white light; the render loop applies colour and intensity to the direct
// part itself.
inline float shading(float nDotL) {
    return kAmbient + kDiffuse * wrapped(nDotL);
}

}  // namespace chiaro::core::preview
