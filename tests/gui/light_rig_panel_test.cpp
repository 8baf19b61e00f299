// The light panel as a light rig editor (issue #21): adding and removing lights, editing the
// selected light, named rigs, presets back to a single light, dragging markers on the sphere, and
// rig files (round trip, bad files refused without touching the rig).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>

#include <QAbstractButton>
#include <QComboBox>
#include <QFile>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QTemporaryDir>
#include <QTest>

#include "chiaro/light/light_rig.h"
#include "panels/light_panel.h"
#include "panels/light_sphere.h"
#include "panels/sphere_mapping.h"

using chiaro::core::LightDirection;
using chiaro::core::LightSettings;
using chiaro::core::LightSource;
using chiaro::gui::LightPanel;
using chiaro::gui::LightSphere;

namespace {

void checkSameLight(const LightSource& a, const LightSource& b) {
    CHECK(a.direction.azimuth == Approx(b.direction.azimuth).margin(1e-9));
    CHECK(a.direction.elevation == Approx(b.direction.elevation).margin(1e-9));
    CHECK(a.color.r == Approx(b.color.r));
    CHECK(a.color.g == Approx(b.color.g));
    CHECK(a.color.b == Approx(b.color.b));
    CHECK(a.intensity == Approx(b.intensity));
    CHECK(a.size == Approx(b.size));
}

void checkSameRig(const LightSettings& a, const LightSettings& b) {
    REQUIRE(a.direction.has_value() == b.direction.has_value());
    const auto la = a.lights(), lb = b.lights();
    REQUIRE(la.size() == lb.size());
    for (size_t i = 0; i < la.size(); ++i) {
        INFO("light " << i + 1);
        checkSameLight(la[i], lb[i]);
    }
    CHECK(a.ambient == Approx(b.ambient));
}

LightSettings threeLights() {
    LightSettings rig;
    rig.setLights({
        LightSource{LightDirection{310, 30}, chiaro::core::LightColor::fromKelvin(3400), 1.2, 0.2},  // warm key
        LightSource{LightDirection{50, 0}, chiaro::core::LightColor::fromKelvin(9000), 0.4, 0.6},    // cool fill
        LightSource{LightDirection{160, 25}, chiaro::core::LightColor::fromKelvin(6500), 1.0, 0.1},  // rim
    });
    rig.ambient = 0.05;
    return rig;
}

void writeFile(const QString& path, const QByteArray& text) {
    QFile f(path);
    REQUIRE(f.open(QIODevice::WriteOnly));
    f.write(text);
}

}  // namespace

TEST_CASE("lights are added up to four and the fifth is refused", "[gui][studio][light]") {
    LightPanel panel;
    QSignalSpy spy(&panel, &LightPanel::lightChanged);
    CHECK(panel.lightCount() == 1);
    auto* add = panel.findChild<QAbstractButton*>("addLight");
    REQUIRE(add);
    for (int n = 2; n <= chiaro::core::kMaxRigLights; ++n) {
        add->click();
        CHECK(panel.lightCount() == n);
        CHECK(panel.selectedLight() == n - 1);  // the new light is the one the sliders edit
        REQUIRE(spy.count() == n - 1);
        CHECK(spy.last().at(0).value<LightSettings>() == panel.settings());
    }
    CHECK_FALSE(add->isEnabled());
    CHECK_FALSE(panel.addLight());
    CHECK(panel.lightCount() == 4);
    CHECK(spy.count() == 3);
    const LightSettings rig = panel.settings();
    CHECK(rig.otherLights.size() == 3);
    CHECK_NOTHROW(chiaro::core::validateLightSettings(rig));
    CHECK(panel.sphere()->lights().size() == 4);
    // The new lights sit apart from each other, not on top of the key.
    for (size_t i = 0; i < rig.otherLights.size(); ++i)
        CHECK(panel.sphere()->markerAt(panel.sphere()->markerPos(static_cast<int>(i) + 1)) == int(i) + 1);
}

TEST_CASE("the selected light is removed, the key light never", "[gui][studio][light]") {
    LightPanel panel;
    panel.setSettings(threeLights());
    auto* remove = panel.findChild<QAbstractButton*>("removeLight");
    REQUIRE(remove);
    CHECK_FALSE(remove->isEnabled());  // the key is selected
    CHECK_FALSE(panel.removeLight());
    CHECK(panel.lightCount() == 3);

    QSignalSpy spy(&panel, &LightPanel::lightChanged);
    panel.findChild<QAbstractButton*>("light_2")->click();
    CHECK(panel.selectedLight() == 1);
    REQUIRE(remove->isEnabled());
    remove->click();
    REQUIRE(spy.count() == 1);
    const LightSettings after = panel.settings();
    REQUIRE(after.otherLights.size() == 1);
    checkSameLight(after.otherLights[0], threeLights().otherLights[1]);  // the rim is left
    checkSameLight(after.lights()[0], threeLights().lights()[0]);
    CHECK_FALSE(panel.findChild<QAbstractButton*>("light_3")->isEnabled());
    CHECK(panel.sphere()->lights().size() == 2);
}

TEST_CASE("the sliders edit the selected light only", "[gui][studio][light]") {
    LightPanel panel;
    const LightSettings before = threeLights();
    panel.setSettings(before);
    panel.selectLight(1);
    // The sliders show the selected light.
    CHECK(panel.azimuthSlider()->value() == 50);
    CHECK(panel.intensitySlider()->value() == 40);
    CHECK(panel.sizeSlider()->value() == 60);
    CHECK(chiaro::gui::nearestKelvin(before.otherLights[0].color) == panel.kelvinSlider()->value());

    QSignalSpy spy(&panel, &LightPanel::lightChanged);
    panel.azimuthSlider()->setValue(70);
    panel.elevationSlider()->setValue(-10);
    panel.intensitySlider()->setValue(80);
    panel.sizeSlider()->setValue(25);
    panel.kelvinSlider()->setValue(4000);
    CHECK(spy.count() == 5);  // every change at once
    const LightSettings after = spy.last().at(0).value<LightSettings>();
    checkSameRig(after, panel.settings());
    REQUIRE(after.otherLights.size() == 2);
    const LightSource& fill = after.otherLights[0];
    CHECK(fill.direction.azimuth == Approx(70));
    CHECK(fill.direction.elevation == Approx(-10));
    CHECK(fill.intensity == Approx(0.8));
    CHECK(fill.size == Approx(0.25));
    CHECK(chiaro::gui::nearestKelvin(fill.color) == 4000);
    // The key and the rim are untouched, exactly.
    CHECK(after.lights()[0] == before.lights()[0]);
    CHECK(after.otherLights[1] == before.otherLights[1]);
    CHECK(after.ambient == before.ambient);
    // The sphere follows.
    REQUIRE(panel.sphere()->lights().size() == 3);
    CHECK(panel.sphere()->lights()[1].direction.azimuth == Approx(70));

    // The ambient is the rig's, whichever light is selected.
    panel.ambientSlider()->setValue(30);
    CHECK(panel.settings().ambient == Approx(0.3));
    CHECK(panel.settings().otherLights[0] == fill);
}

TEST_CASE("a named rig applies all its lights", "[gui][studio][light]") {
    LightPanel panel;
    QComboBox* combo = panel.rigCombo();
    REQUIRE(combo->count() == static_cast<int>(chiaro::core::namedRigs().size()) + 1);
    for (const chiaro::core::NamedRig& named : chiaro::core::namedRigs()) {
        INFO(named.name);
        QSignalSpy spy(&panel, &LightPanel::lightChanged);
        const int index = combo->findText(QString::fromStdString(named.title));
        REQUIRE(index > 0);
        combo->setCurrentIndex(index);
        Q_EMIT combo->activated(index);  // what a user's pick sends
        REQUIRE(spy.count() == 1);
        CHECK(panel.settings() == chiaro::core::namedRig(named.name));
        CHECK(spy.last().at(0).value<LightSettings>() == named.light);
        CHECK(panel.lightCount() == static_cast<int>(named.light.lights().size()));
        CHECK(panel.sphere()->lights().size() == named.light.lights().size());
        CHECK(panel.selectedLight() == 0);
    }
    CHECK(panel.applyNamedRig("Rembrandt"));
    CHECK(combo->currentText() == "Rembrandt");
    panel.intensitySlider()->setValue(50);  // edited: no longer the named rig
    CHECK(combo->currentIndex() == 0);
    CHECK_FALSE(panel.applyNamedRig("disco"));
    CHECK(panel.intensitySlider()->value() == 50);
}

TEST_CASE("an IC-Light preset resets the rig to a single light", "[gui][studio][light]") {
    LightPanel panel;
    panel.applyNamedRig("window");
    REQUIRE(panel.lightCount() == 2);
    panel.selectLight(1);
    QSignalSpy spy(&panel, &LightPanel::lightChanged);
    panel.findChild<QPushButton*>("preset_left")->click();
    REQUIRE(spy.count() == 1);
    const LightSettings s = panel.settings();
    CHECK(s.isSingleLight());
    REQUIRE(s.direction);
    CHECK(s.direction->azimuth == Approx(270));
    CHECK(s.direction->elevation == Approx(0));
    CHECK(s.size == 0.0);
    CHECK(s.ambient == 0.0);
    CHECK(panel.lightCount() == 1);
    CHECK(panel.selectedLight() == 0);
    CHECK(panel.sizeSlider()->value() == 0);
    CHECK(panel.ambientSlider()->value() == 0);
    CHECK(panel.sphere()->lights().size() == 1);
    // None: no light at all; a click on the ball brings the key light back.
    panel.findChild<QPushButton*>("preset_none")->click();
    CHECK_FALSE(panel.settings().direction);
    CHECK(panel.sphere()->lights().empty());
    CHECK(panel.settings().isSingleLight());
}

TEST_CASE("dragging a marker on the sphere moves that light", "[gui][studio][light]") {
    LightPanel panel;
    panel.resize(300, 900);
    panel.show();
    REQUIRE(QTest::qWaitForWindowExposed(&panel));
    panel.setSettings(threeLights());
    LightSphere* sphere = panel.sphere();
    REQUIRE(sphere->width() > 100);
    QSignalSpy spy(&panel, &LightPanel::lightChanged);
    QSignalSpy selected(sphere, &LightSphere::selectionChanged);

    const QPointF marker = sphere->markerPos(1);  // the fill, in front
    const QPoint press = marker.toPoint();
    REQUIRE(sphere->markerAt(press) == 1);
    const QPoint target = sphere->toWidgetPos({0.2, -0.3, false}).toPoint();
    REQUIRE(sphere->markerAt(target) == -1);
    QTest::mousePress(sphere, Qt::LeftButton, Qt::NoModifier, press);
    CHECK(panel.selectedLight() == 1);
    CHECK(selected.count() == 1);
    CHECK(spy.count() == 0);  // grabbing does not move it
    QTest::mouseMove(sphere, (press + target) / 2);
    QTest::mouseRelease(sphere, Qt::LeftButton, Qt::NoModifier, target);
    REQUIRE(spy.count() >= 1);

    // The light follows the cursor from where it was grabbed.
    const LightDirection expected =
        chiaro::gui::directionFromSpherePoint(sphere->toSpherePoint(QPointF(target) + (marker - QPointF(press)), false));
    const LightSettings after = panel.settings();
    CHECK(after.otherLights[0].direction.azimuth == Approx(expected.azimuth).margin(1e-6));
    CHECK(after.otherLights[0].direction.elevation == Approx(expected.elevation).margin(1e-6));
    CHECK(after.otherLights[0].direction.elevation < -10);
    CHECK(after.lights()[0] == threeLights().lights()[0]);
    CHECK(after.otherLights[1] == threeLights().otherLights[1]);
    CHECK(panel.azimuthSlider()->value() == static_cast<int>(std::lround(expected.azimuth)) % 360);

    // A click on the rim light's ring selects it, its hemisphere kept while dragging.
    const QPoint rim = sphere->markerPos(2).toPoint();
    QTest::mousePress(sphere, Qt::LeftButton, Qt::NoModifier, rim);
    QTest::mouseRelease(sphere, Qt::LeftButton, Qt::NoModifier, rim + QPoint(6, 0));
    CHECK(panel.selectedLight() == 2);
    CHECK(chiaro::gui::spherePointFromDirection(panel.settings().otherLights[1].direction).back);

    // A click on empty ball space moves the selected light there: select the key first.
    panel.findChild<QAbstractButton*>("light_1")->click();
    const QPoint empty = sphere->toWidgetPos({-0.1, 0.6, false}).toPoint();
    REQUIRE(sphere->markerAt(empty) == -1);
    QTest::mouseClick(sphere, Qt::LeftButton, Qt::NoModifier, empty);
    const LightDirection key = *panel.settings().direction;
    const LightDirection want = chiaro::gui::directionFromSpherePoint(sphere->toSpherePoint(empty, false));
    CHECK(key.azimuth == Approx(want.azimuth).margin(1e-6));
    CHECK(key.elevation == Approx(want.elevation).margin(1e-6));
    CHECK(panel.settings().otherLights.size() == 2);
}

TEST_CASE("a saved rig loads back, bad rig files are refused", "[gui][studio][light]") {
    QTemporaryDir dir;
    REQUIRE(dir.isValid());
    LightPanel panel;
    panel.setSettings(threeLights());
    panel.selectLight(2);
    panel.sizeSlider()->setValue(45);
    const LightSettings saved = panel.settings();
    const QString path = dir.filePath("three.json");
    REQUIRE(panel.saveRig(path));
    CHECK(chiaro::core::loadRigFile(path.toStdString()).otherLights.size() == 2);

    LightPanel other;
    QSignalSpy spy(&other, &LightPanel::lightChanged);
    REQUIRE(other.loadRig(path));
    CHECK(spy.count() == 1);
    checkSameRig(other.settings(), saved);
    CHECK(other.lightCount() == 3);
    CHECK(other.sphere()->lights().size() == 3);

    // Bad files: five lights, a negative intensity, not JSON, missing. The rig stays as it was.
    const QString five = dir.filePath("five.json");
    writeFile(five, R"({"chiaro_rig": 1, "lights": [
        {"azimuth": 0, "elevation": 0}, {"azimuth": 10, "elevation": 0}, {"azimuth": 20, "elevation": 0},
        {"azimuth": 30, "elevation": 0}, {"azimuth": 40, "elevation": 0}]})");
    const QString negative = dir.filePath("negative.json");
    writeFile(negative, R"({"chiaro_rig": 1, "lights": [{"azimuth": 0, "elevation": 0, "intensity": -1}]})");
    const QString garbage = dir.filePath("garbage.json");
    writeFile(garbage, "{ not json");
    const QString png = dir.filePath("plain.png");
    writeFile(png, "\x89PNG\r\n\x1a\n not really");
    for (const QString& bad : {five, negative, garbage, png, dir.filePath("missing.json")}) {
        INFO(bad.toStdString());
        CHECK_FALSE(other.loadRig(bad));
        CHECK_FALSE(other.lastError().isEmpty());
        checkSameRig(other.settings(), saved);
    }
    CHECK(spy.count() == 1);
    CHECK_FALSE(other.saveRig(dir.filePath("no/such/folder/rig.json")));
}

TEST_CASE("the sphere draws every light of a rig", "[gui][studio][light]") {
    LightSphere sphere;
    sphere.resize(220, 220);
    const LightSettings rig = threeLights();
    sphere.setLights(rig.lights(), rig.ambient);
    sphere.setSelected(0);
    const QImage image = sphere.grab().toImage();
    if (const char* out = std::getenv("CHIARO_SPHERE_GRAB")) image.save(QString::fromLocal8Bit(out));
    REQUIRE(sphere.lights().size() == 3);
    for (int i = 0; i < 3; ++i) CHECK(sphere.markerAt(sphere.markerPos(i)) == i);
    // The ball is lit by all lights: the key's side (upper left) and the fill's side (right) are
    // both brighter than the bottom, which no light reaches.
    auto brightness = [&](double x, double y) {
        return qGray(image.pixel(sphere.toWidgetPos({x, y, false}).toPoint()));
    };
    CHECK(brightness(-0.5, 0.3) > brightness(0.0, -0.85) + 40);
    CHECK(brightness(0.8, -0.05) > brightness(0.0, -0.85) + 15);
    // The single-light API edits the selected light.
    sphere.setSelected(2);
    REQUIRE(sphere.direction());
    CHECK(sphere.direction()->azimuth == Approx(160));
    sphere.setDirection(LightDirection{200, 10});
    CHECK(sphere.lights()[2].direction.azimuth == Approx(200));
    CHECK(sphere.lights()[0] == rig.lights()[0]);
}

TEST_CASE("an estimate with a key and a fill becomes a two-light rig, the key keeping its colour",
          "[gui][light][rig]") {
    LightPanel panel;
    LightSettings user;
    user.direction = LightDirection{0.0, 0.0};
    user.color = chiaro::core::LightColor::fromKelvin(3200);
    user.intensity = 1.5;
    user.size = 0.4;
    panel.setSettings(user);
    QSignalSpy changed(&panel, &LightPanel::lightChanged);

    chiaro::core::LightEstimate estimate;
    estimate.direction = LightDirection{300.0, 30.0};
    estimate.confidence = 0.8;
    estimate.rig.direction = estimate.direction;
    LightSource fill;
    fill.direction = LightDirection{70.0, 0.0};
    fill.intensity = 0.5;
    estimate.rig.otherLights.push_back(fill);
    panel.applyEstimate(estimate);

    const LightSettings rig = panel.settings();
    REQUIRE(rig.lights().size() == 2);
    CHECK(rig.direction->azimuth == Approx(300.0));
    CHECK(rig.color.r == Approx(user.color.r));
    CHECK(rig.size == Approx(0.4));
    CHECK(rig.otherLights[0].direction.azimuth == Approx(70.0));
    CHECK(rig.otherLights[0].intensity == Approx(0.75));  // half the key's 1.5
    CHECK(changed.count() >= 1);

    // A one-light estimate only turns the key, as before rigs.
    chiaro::core::LightEstimate single;
    single.direction = LightDirection{90.0, 10.0};
    single.rig.direction = single.direction;
    panel.setSettings(user);
    panel.applyEstimate(single);
    CHECK(panel.settings().lights().size() == 1);
    CHECK(panel.settings().direction->azimuth == Approx(90.0));
    CHECK(panel.settings().intensity == Approx(1.5));
}
