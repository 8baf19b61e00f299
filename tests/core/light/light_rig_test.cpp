// Light rigs (issue #21): several lights, sizes and ambient in the light map and the preview, the
// named rigs, the rig file, the job JSON and the command-line light spec.
#include <catch2/catch.hpp>

#include <fstream>

#include <opencv2/imgproc.hpp>

#include "chiaro/core/error.h"
#include "chiaro/image/image_io.h"
#include "chiaro/light/light_map.h"
#include "chiaro/light/light_options.h"
#include "chiaro/light/light_rig.h"
#include "chiaro/light/preview_relighter.h"
#include "chiaro/pipeline/relight_job.h"
#include "synthetic_scene.h"
#include "test_support.h"

using namespace chiaro::core;
using chiaro::test::TempDir;

namespace {

LightSource source(double az, double el, double intensity = 1.0, double size = 0.0) {
    return {LightDirection::normalized(az, el), LightColor{}, intensity, size};
}

LightSettings rig(const std::vector<LightSource>& lights, double ambient = 0.0) {
    LightSettings light;
    light.setLights(lights);
    light.ambient = ambient;
    return light;
}

double meanOf(const cv::Mat& rgb, const cv::Rect& area) {
    const cv::Scalar m = cv::mean(rgb(area));
    return (m[0] + m[1] + m[2]) / 3.0;
}

ErrorCode codeOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.code();
    }
    return ErrorCode::Ok;
}

}  // namespace

TEST_CASE("a rig of one light is the single light, and the single light keeps its exact map", "[light][rig]") {
    LightSettings single;
    single.direction = LightDirection{270.0, 0.0};
    REQUIRE(single.isSingleLight());
    const LightSettings same = rig({source(270, 0)});
    CHECK(same.isSingleLight());
    CHECK(same == single);
    // IC-Light's left gradient, unchanged by the rig code: linspace(255, 0, 9) as uint8.
    const cv::Mat map = renderLightMap(same, 9, 1, LightMapVariant::Fc);
    const int expected[9] = {255, 223, 191, 159, 127, 95, 63, 31, 0};
    for (int x = 0; x < 9; ++x)
        CHECK(map.at<cv::Vec3b>(0, x)[1] == expected[x]);
}

TEST_CASE("the rig's map path agrees with the single-light map when the extra light is off", "[light][rig]") {
    // A second light at intensity 0 takes the rig path; it must render the key as the single path.
    for (const auto& [az, el] : {std::pair{300.0, 25.0}, {90.0, 0.0}, {10.0, -40.0}}) {
        LightSettings single;
        single.direction = LightDirection{az, el};
        const LightSettings withDarkFill = rig({source(az, el), source(120, 10, 0.0)});
        REQUIRE_FALSE(withDarkFill.isSingleLight());
        for (LightMapVariant variant : {LightMapVariant::Fc, LightMapVariant::Fbc}) {
            const cv::Mat a = renderLightMap(single, 64, 80, variant);
            const cv::Mat b = renderLightMap(withDarkFill, 64, 80, variant);
            cv::Mat diff;
            cv::absdiff(a, b, diff);
            double worst = 0.0;
            cv::minMaxLoc(diff.reshape(1), nullptr, &worst);
            INFO(az << "," << el);
            CHECK(worst <= 1.0);  // at most a truncation step apart
        }
    }
}

TEST_CASE("a brighter fill brightens its side in the light map and in the preview", "[light][rig]") {
    const cv::Rect right(48, 0, 16, 80), left(0, 0, 16, 80);
    const LightSettings dimFill = rig({source(270, 10), source(90, 0, 0.2)});
    const LightSettings brightFill = rig({source(270, 10), source(90, 0, 0.8)});
    for (LightMapVariant variant : {LightMapVariant::Fc, LightMapVariant::Fbc}) {
        const cv::Mat dim = renderLightMap(dimFill, 64, 80, variant);
        const cv::Mat bright = renderLightMap(brightFill, 64, 80, variant);
        CHECK(meanOf(bright, right) > meanOf(dim, right) + 20.0);
        CHECK(meanOf(bright, left) >= meanOf(dim, left));  // the key's side stays lit
    }
    // The preview: a sphere lit from the left; the fill lifts its right half.
    chiaro::test::SceneSpec spec;
    spec.light = chiaro::test::lightVector(270, 10);
    const chiaro::test::Scene scene = chiaro::test::renderScene(spec);
    const PreviewRelighter relighter(scene.image, scene.mask);
    const cv::Rect sphereRight(150, 100, 40, 56), sphereLeft(66, 100, 40, 56);
    const cv::Mat dim = relighter.render(dimFill);
    const cv::Mat bright = relighter.render(brightFill);
    CHECK(meanOf(bright, sphereRight) > meanOf(dim, sphereRight) + 10.0);
    CHECK(std::abs(meanOf(bright, sphereLeft) - meanOf(dim, sphereLeft)) < meanOf(bright, sphereRight) - meanOf(dim, sphereRight));
}

TEST_CASE("ambient lifts the floor and size softens the ramp", "[light][rig]") {
    LightSettings hard;
    hard.direction = LightDirection{270.0, 0.0};
    LightSettings withAmbient = hard;
    withAmbient.ambient = 0.25;
    const cv::Mat plain = renderLightMap(hard, 64, 8, LightMapVariant::Fc);
    const cv::Mat lifted = renderLightMap(withAmbient, 64, 8, LightMapVariant::Fc);
    CHECK(plain.at<cv::Vec3b>(4, 63)[0] == 0);
    CHECK(lifted.at<cv::Vec3b>(4, 63)[0] >= 60);  // 0.25 × 255
    LightSettings soft = hard;
    soft.size = 1.0;
    const cv::Mat softMap = renderLightMap(soft, 64, 8, LightMapVariant::Fc);
    const int hardRange = plain.at<cv::Vec3b>(4, 0)[0] - plain.at<cv::Vec3b>(4, 63)[0];
    const int softRange = softMap.at<cv::Vec3b>(4, 0)[0] - softMap.at<cv::Vec3b>(4, 63)[0];
    CHECK(softRange < hardRange * 0.6);
    CHECK(softRange > 0);
    // The preview follows: a soft light leaves the shadow side of the sphere brighter.
    chiaro::test::SceneSpec spec;
    const chiaro::test::Scene scene = chiaro::test::renderScene(spec);
    const PreviewRelighter relighter(scene.image, scene.mask);
    const cv::Rect shadowSide(160, 100, 30, 56);
    CHECK(meanOf(relighter.render(soft), shadowSide) > meanOf(relighter.render(hard), shadowSide) + 5.0);
    CHECK(meanOf(relighter.render(withAmbient), shadowSide) > meanOf(relighter.render(hard), shadowSide) + 5.0);
}

TEST_CASE("the named rigs are valid, distinct and found by name or title", "[light][rig]") {
    const auto& rigs = namedRigs();
    REQUIRE(rigs.size() == 6);
    for (size_t i = 0; i < rigs.size(); ++i) {
        INFO(rigs[i].name);
        CHECK_NOTHROW(validateLightSettings(rigs[i].light));
        CHECK(rigs[i].light.direction.has_value());
        CHECK(namedRig(rigs[i].name) == rigs[i].light);
        CHECK(namedRig(rigs[i].title) == rigs[i].light);
        for (size_t j = 0; j < i; ++j)
            CHECK(rigs[i].light != rigs[j].light);
    }
    CHECK(namedRig("Rim only").otherLights.size() == 1);
    CHECK(codeOf([] { namedRig("disco"); }) == ErrorCode::Usage);
}

TEST_CASE("a rig file round-trips and bad rigs are refused with the reason", "[light][rig]") {
    const LightSettings rembrandt = namedRig("rembrandt");
    TempDir dir;
    saveRigFile(dir.file("r.json"), rembrandt, "mine");
    CHECK(loadRigFile(dir.file("r.json")) == rembrandt);
    CHECK(rigFromJson(rigToJson(rembrandt)) == rembrandt);
    CHECK(rigToJson(rembrandt, "mine")["name"] == "mine");

    const auto refused = [](const std::string& text, const std::string& reason) {
        try {
            rigFromJson(nlohmann::json::parse(text));
        } catch (const Error& e) {
            INFO(e.what());
            CHECK(e.code() == ErrorCode::Usage);
            CHECK(std::string(e.what()).find(reason) != std::string::npos);
            return;
        }
        FAIL("accepted: " << text);
    };
    refused(R"({"lights": [{"azimuth": 0, "elevation": 0}, {"azimuth": 1, "elevation": 0},
                           {"azimuth": 2, "elevation": 0}, {"azimuth": 3, "elevation": 0},
                           {"azimuth": 4, "elevation": 0}]})", "5 lights, at most 4");
    refused(R"({"lights": [{"azimuth": 0, "elevation": 0, "intensity": -0.5}]})", "intensity");
    refused(R"({"lights": [{"azimuth": 0, "elevation": 0}], "ambient": -1})", "ambient");
    refused(R"({"lights": [{"azimuth": 0, "elevation": 0, "size": 3}]})", "size");
    refused(R"({"lights": [{"azimuth": 0, "elevation": 95}]})", "elevation");
    refused(R"({"lights": [{"elevation": 5}]})", "missing azimuth");
    refused(R"({"lights": [{"azimuth": "left", "elevation": 5}]})", "azimuth must be a number");
    refused(R"({"lights": [{"azimuth": 0, "elevation": 0, "kelvin": 5000, "color": [1, 1, 1]}]})", "not both");
    refused(R"({"lights": []})", "no lights");
    refused(R"([1, 2])", "not a JSON object");

    std::ofstream(dir.file("bad.json")) << "{ not json";
    CHECK(codeOf([&] { loadRigFile(dir.file("bad.json")); }) == ErrorCode::BadInput);
    CHECK(codeOf([&] { loadRigFile(dir.file("missing.json")); }) == ErrorCode::BadInput);
}

TEST_CASE("a rig is restored from the job metadata of a Chiaro PNG", "[light][rig]") {
    RelightJob job;
    job.light = namedRig("clamshell");
    job.light.otherLights[0].color = LightColor::fromKelvin(3200);
    PngWriteOptions options;
    options.metadata.utf8["chiaro"] = jobToJson(job).dump();
    TempDir dir;
    savePng(dir.file("result.png"), cv::Mat(8, 8, CV_8UC3, cv::Scalar(90, 90, 90)), options);
    CHECK(loadRigFile(dir.file("result.png")) == job.light);
    savePng(dir.file("plain.png"), cv::Mat(8, 8, CV_8UC3, cv::Scalar(90, 90, 90)));
    CHECK(codeOf([&] { loadRigFile(dir.file("plain.png")); }) == ErrorCode::BadInput);
}

TEST_CASE("the job JSON keeps single lights as before and carries whole rigs", "[light][rig]") {
    RelightJob job;
    job.light.direction = LightDirection{90.0, 0.0};
    const nlohmann::json single = jobToJson(job)["light"];
    CHECK_FALSE(single.contains("others"));
    CHECK_FALSE(single.contains("ambient"));
    CHECK_FALSE(single.contains("size"));

    job.light = rig({source(315, 40, 1.1, 0.3), source(40, 5, 0.3, 0.8), source(180, 20, 0.7)}, 0.07);
    RelightJob restored;
    jobFromJson(jobToJson(job), restored);
    CHECK(restored.light == job.light);
    CHECK(restored.light.ambient == 0.07);

    nlohmann::json broken = jobToJson(job);
    broken["light"]["others"][0]["intensity"] = -1;
    CHECK(codeOf([&] { jobFromJson(broken, restored); }) == ErrorCode::BadInput);
}

TEST_CASE("CLI --light specs, rigs and presets", "[light][rig]") {
    const LightSource full = parseLightSpec("300,25,0.8,3200,0.5");
    CHECK(full.direction.azimuth == 300.0);
    CHECK(full.direction.elevation == 25.0);
    CHECK(full.intensity == 0.8);
    CHECK(full.size == 0.5);
    CHECK(full.color == LightColor::fromKelvin(3200));
    CHECK(parseLightSpec("90,0").intensity == 1.0);
    for (const char* bad : {"90", "90,0,1,6500,0,1", "90,x", "90,0,-1", "90,0,1,500", "90,0,1,6500,2", "90,100", "90,,1"})
        CHECK(codeOf([&] { parseLightSpec(bad); }) == ErrorCode::Usage);

    LightOptionsText text;
    text.lights = {"270,0,1.2", "90,0,0.4,6500,0.6", "180,30"};
    text.intensity = "1";  // the default of --intensity must not override the spec's 1.2
    text.ambient = "0.1";
    LightSettings light = lightSettingsFromText(text);
    REQUIRE(light.lights().size() == 3);
    CHECK(light.intensity == 1.2);
    CHECK(light.otherLights[0].size == 0.6);
    CHECK(light.ambient == 0.1);

    text.lights = {"270,0"};
    text.intensity = "0.5";
    CHECK(lightSettingsFromText(text).intensity == 0.5);

    text.lights = {"1,0", "2,0", "3,0", "4,0", "5,0"};
    CHECK(codeOf([&] { lightSettingsFromText(text); }) == ErrorCode::Usage);
    text.lights = {"1,0"};
    text.preset = "left";
    CHECK(codeOf([&] { lightSettingsFromText(text); }) == ErrorCode::Usage);
    text = {};
    text.preset = "rembrandt";
    text.intensity = "1";
    CHECK(lightSettingsFromText(text) == namedRig("rembrandt"));
    text.ambient = "1.5";
    CHECK(codeOf([&] { lightSettingsFromText(text); }) == ErrorCode::Usage);
}

TEST_CASE("rotating and mirroring a rig", "[light][rig]") {
    const LightSettings r = namedRig("rembrandt");
    const LightSettings turned = rotatedRig(r, 90.0);
    CHECK(turned.direction->azimuth == Approx(45.0));
    CHECK(turned.otherLights[0].direction.azimuth == Approx(130.0));
    CHECK(turned.ambient == r.ambient);
    const LightSettings mirrored = mirroredRig(r);
    CHECK(mirrored.direction->azimuth == Approx(45.0));
    CHECK(mirrored.otherLights[0].direction.azimuth == Approx(320.0));
    CHECK(mirroredRig(mirrored) == r);
}
