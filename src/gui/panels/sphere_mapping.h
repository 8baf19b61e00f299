#pragma once
// The light sphere's geometry, kept free of widgets so it can be tested on its own. The sphere is
// seen from the camera: disc coordinates x (right) and y (up) in [-1, 1] are the light vector's
// image-plane components (CONTRACTS.md §1: L = (cos el sin az, sin el, cos el cos az)), and the
// hemisphere says the sign of its z: front = toward the viewer, back = behind the subject.
#include "chiaro/light/light.h"

namespace chiaro::gui {

struct SpherePoint {
    double x = 0.0;     // -1 left .. 1 right
    double y = 0.0;     // -1 bottom .. 1 top
    bool back = false;  // the light is behind the subject (z < 0)
};

// The direction for a disc point. Points outside the unit disc are pulled onto the rim (z = 0),
// so dragging past the edge keeps the light at the side instead of jumping.
core::LightDirection directionFromSpherePoint(const SpherePoint& point);

// The disc point (and hemisphere) where a direction is drawn. Exactly sideways lights (z = 0)
// count as front.
SpherePoint spherePointFromDirection(const core::LightDirection& direction);

}  // namespace chiaro::gui
