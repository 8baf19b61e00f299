#include "panels/sphere_mapping.h"

#include <cmath>

namespace chiaro::gui {

core::LightDirection directionFromSpherePoint(const SpherePoint& point) {
    double x = point.x;
    double y = point.y;
    const double r2 = x * x + y * y;
    if (r2 > 1.0) {
        const double r = std::sqrt(r2);
        x /= r;
        y /= r;
    }
    const double z = std::sqrt(std::max(0.0, 1.0 - x * x - y * y));
    return core::LightDirection::fromVector({x, y, point.back ? -z : z});
}

SpherePoint spherePointFromDirection(const core::LightDirection& direction) {
    const auto v = direction.toVector();
    // Round-off of a sideways light (z ~ -1e-17) must not flip it to the back marker.
    return {v[0], v[1], v[2] < -1e-9};
}

}  // namespace chiaro::gui
