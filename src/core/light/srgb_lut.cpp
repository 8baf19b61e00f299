#include "srgb_lut.h"

#include <cmath>

namespace chiaro::core {
namespace {

double decode(double s) {
    return s <= 0.04045 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
}
double encode(double l) {
    return l <= 0.0031308 ? l * 12.92 : 1.055 * std::pow(l, 1.0 / 2.4) - 0.055;
}

}  // namespace

const std::array<float, 256>& srgbToLinear() {
    static const std::array<float, 256> table = [] {
        std::array<float, 256> t{};
        for (int v = 0; v < 256; ++v)
            t[static_cast<size_t>(v)] = static_cast<float>(decode(v / 255.0));
        return t;
    }();
    return table;
}

const LinearToSrgbTable& linearToSrgbTable() {
    static const LinearToSrgbTable table = [] {
        LinearToSrgbTable t{};
        for (int i = 0; i < kLinearToSrgbSize; ++i) {
            const double linear = double(i) / (kLinearToSrgbSize - 1);
            t[static_cast<size_t>(i)] = static_cast<uint8_t>(std::lround(255.0 * encode(linear)));
        }
        return t;
    }();
    return table;
}

}  // namespace chiaro::core
