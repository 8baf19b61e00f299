// The light sphere's mapping from a click to (azimuth, elevation), checked against CONTRACTS.md §1
// (L = (cos el sin az, sin el, cos el cos az)) written out independently here, front and back.
#include <catch2/catch.hpp>

#include <cmath>

#include <QSignalSpy>
#include <QTest>

#include "panels/light_sphere.h"
#include "panels/sphere_mapping.h"

using chiaro::core::LightDirection;
using chiaro::gui::LightSphere;
using chiaro::gui::SpherePoint;

namespace {

constexpr double kDeg = 180.0 / M_PI;

// The expected angles for a disc point, straight from the contract's formula.
LightDirection expected(double x, double y, bool back) {
    const double z = std::sqrt(1 - x * x - y * y) * (back ? -1 : 1);
    double az = std::atan2(x, z) * kDeg;
    if (az < 0) az += 360;
    return {az, std::asin(y) * kDeg};
}

}  // namespace

TEST_CASE("sphere points map to the contract's angles, front and back", "[gui][studio][light]") {
    for (bool back : {false, true}) {
        for (auto [x, y] : {std::pair{0.5, 0.5}, {-0.3, 0.2}, {0.0, -0.8}, {0.7, -0.1}}) {
            const LightDirection d = chiaro::gui::directionFromSpherePoint({x, y, back});
            const LightDirection e = expected(x, y, back);
            INFO("x=" << x << " y=" << y << " back=" << back);
            CHECK(d.azimuth == Approx(e.azimuth).margin(1e-6));
            CHECK(d.elevation == Approx(e.elevation).margin(1e-6));
        }
    }
    // Named directions: centre front = (0,0), centre back = (180,0), right rim = 90, left rim = 270.
    CHECK(chiaro::gui::directionFromSpherePoint({0, 0, false}).azimuth == Approx(0).margin(1e-9));
    CHECK(chiaro::gui::directionFromSpherePoint({0, 0, true}).azimuth == Approx(180));
    CHECK(chiaro::gui::directionFromSpherePoint({1, 0, false}).azimuth == Approx(90));
    CHECK(chiaro::gui::directionFromSpherePoint({-1, 0, true}).azimuth == Approx(270));
    CHECK(chiaro::gui::directionFromSpherePoint({0, 1, false}).elevation == Approx(90));
}

TEST_CASE("points outside the disc stay on the rim instead of jumping", "[gui][studio][light]") {
    const LightDirection d = chiaro::gui::directionFromSpherePoint({3.0, 0.0, false});
    CHECK(d.azimuth == Approx(90));
    CHECK(d.elevation == Approx(0).margin(1e-9));
    const LightDirection diag = chiaro::gui::directionFromSpherePoint({2.0, 2.0, true});
    CHECK(diag.elevation == Approx(45));
    CHECK(diag.azimuth == Approx(90));  // z = 0 on the rim whatever the hemisphere
}

TEST_CASE("directions round-trip through their sphere point", "[gui][studio][light]") {
    for (double az = 0; az < 360; az += 30) {
        for (double el : {-60.0, -20.0, 0.0, 35.0, 80.0}) {
            const SpherePoint p = chiaro::gui::spherePointFromDirection({az, el});
            const LightDirection back = chiaro::gui::directionFromSpherePoint(p);
            INFO("az=" << az << " el=" << el);
            CHECK(p.back == (std::cos(az / kDeg) < -1e-9));
            CHECK(back.azimuth == Approx(az).margin(1e-6));
            CHECK(back.elevation == Approx(el).margin(1e-6));
        }
    }
}

TEST_CASE("dragging on the sphere widget sets azimuth and elevation", "[gui][studio][light]") {
    LightSphere sphere;
    sphere.resize(200, 200);
    QSignalSpy spy(&sphere, &LightSphere::directionChanged);
    // radius = 100 - margin; pick the pixel of disc point (0.5, 0.5) from the widget's own mapping
    // and check that the inverse mapping is the plain geometry of a centred disc.
    const QPointF pos = sphere.toWidgetPos({0.5, 0.5, false});
    const double radius = 100 - pos.y();
    CHECK(pos.x() - 100 == Approx(radius));
    const QPoint pixel = pos.toPoint();
    const SpherePoint actual = sphere.toSpherePoint(pixel, false);

    QTest::mousePress(&sphere, Qt::LeftButton, Qt::NoModifier, pixel);
    QTest::mouseRelease(&sphere, Qt::LeftButton, Qt::NoModifier, pixel);
    REQUIRE(sphere.direction());
    LightDirection e = expected(actual.x, actual.y, false);
    CHECK(sphere.direction()->azimuth == Approx(e.azimuth).margin(1e-6));
    CHECK(sphere.direction()->elevation == Approx(e.elevation).margin(1e-6));
    CHECK(sphere.direction()->azimuth == Approx(35.26).margin(1.0));  // atan2(0.5, sqrt(0.5))
    CHECK(spy.count() >= 1);

    // Right button: the same spot behind the subject.
    QTest::mousePress(&sphere, Qt::RightButton, Qt::NoModifier, pixel);
    QTest::mouseRelease(&sphere, Qt::RightButton, Qt::NoModifier, pixel);
    e = expected(actual.x, actual.y, true);
    CHECK(sphere.direction()->azimuth == Approx(e.azimuth).margin(1e-6));
    CHECK(sphere.direction()->azimuth > 90);
    CHECK(chiaro::gui::spherePointFromDirection(*sphere.direction()).back);

    // Shift+left is the same as the right button.
    QTest::mousePress(&sphere, Qt::LeftButton, Qt::ShiftModifier, sphere.toWidgetPos({0, 0, false}).toPoint());
    CHECK(sphere.direction()->azimuth == Approx(180).margin(1.0));
}
