#pragma once
// sRGB <-> linear light tables for the light module (private). Shading is multiplied in linear
// light; photos are stored in sRGB.
#include <array>
#include <cstddef>
#include <cstdint>

namespace chiaro::core {

// srgbToLinear()[v] for an 8-bit sRGB value v: linear light in [0, 1].
const std::array<float, 256>& srgbToLinear();

// 64 KiB: fine enough that even the steepest (darkest) sRGB step spans ~20 entries.
constexpr int kLinearToSrgbSize = 65536;
using LinearToSrgbTable = std::array<uint8_t, kLinearToSrgbSize>;
const LinearToSrgbTable& linearToSrgbTable();

// Linear light to the nearest 8-bit sRGB value. Inline: the render loop calls it three times a
// pixel. Written out so that NaN maps to 0 (every comparison with NaN is false) and values clamp to
// [0, 1].
inline uint8_t linearToSrgb8(const LinearToSrgbTable& table, float linear) {
    const float clamped = linear > 0.0f ? (linear < 1.0f ? linear : 1.0f) : 0.0f;
    return table[static_cast<std::size_t>(clamped * (kLinearToSrgbSize - 1) + 0.5f)];
}

}  // namespace chiaro::core
