// The prompt panel maps every widget to the RelightJob field it names, both ways.
#include <catch2/catch.hpp>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>

#include "panels/prompt_panel.h"
#include "panels/quick_prompts.h"

using chiaro::core::RelightJob;
using chiaro::gui::PromptPanel;

TEST_CASE("a job's parameters survive readFrom then writeTo", "[gui][studio][prompt]") {
    RelightJob job;
    job.prompt = "sunset over sea, warm";
    job.addedPrompt = "masterpiece";
    job.negativePrompt = "blurry";
    job.seed = 987654;
    job.steps = 31;
    job.cfg = 4.5;
    job.width = 768;
    job.height = 512;
    job.lowresDenoise = 0.75;
    job.highresScale = 1.25;
    job.highresDenoise = 0.4;
    job.sampler = chiaro::core::SamplerKind::EulerAncestral;
    job.mode = chiaro::core::RelightMode::Inpaint;
    job.keepUnmasked = true;
    job.transparent = true;
    job.detailPreserve = 0.3;

    PromptPanel panel;
    panel.readFrom(job);
    RelightJob out;
    panel.writeTo(out);
    CHECK(out.prompt == job.prompt);
    CHECK(out.addedPrompt == job.addedPrompt);
    CHECK(out.negativePrompt == job.negativePrompt);
    CHECK(out.seed == job.seed);
    CHECK(out.steps == job.steps);
    CHECK(out.cfg == Approx(job.cfg));
    CHECK(out.width == job.width);
    CHECK(out.height == job.height);
    CHECK(out.lowresDenoise == Approx(job.lowresDenoise));
    CHECK(out.highresScale == Approx(job.highresScale));
    CHECK(out.highresDenoise == Approx(job.highresDenoise));
    CHECK(out.sampler == job.sampler);
    CHECK(out.mode == job.mode);
    CHECK(out.keepUnmasked);
    CHECK(out.transparent);
    CHECK(out.detailPreserve == Approx(0.3));
    CHECK(panel.mode() == chiaro::gui::StudioMode::Inpaint);
}

TEST_CASE("random seed draws a fresh seed and reuse brings the last one back", "[gui][studio][prompt]") {
    PromptPanel panel;
    panel.randomSeedBox()->setChecked(true);
    RelightJob a, b;
    panel.writeTo(a);
    panel.writeTo(b);
    CHECK(a.seed != b.seed);  // 1 in 2^31 to collide
    CHECK(panel.seedSpin()->value() == static_cast<int>(b.seed));
    panel.setLastSeed(a.seed);
    for (auto* button : panel.findChildren<QPushButton*>()) {
        if (button->text() == "Reuse") button->click();
    }
    CHECK_FALSE(panel.randomSeedBox()->isChecked());
    RelightJob c;
    panel.writeTo(c);
    CHECK(c.seed == a.seed);
}

TEST_CASE("quick prompts append to the prompt once", "[gui][studio][prompt]") {
    CHECK(chiaro::gui::appendPromptPhrase("", "golden time") == "golden time");
    CHECK(chiaro::gui::appendPromptPhrase("a cup, ", "golden time") == "a cup, golden time");
    CHECK(chiaro::gui::appendPromptPhrase("a cup", "golden time") == "a cup, golden time");
    CHECK(chiaro::gui::appendPromptPhrase("a cup, golden time", "golden time") == "a cup, golden time");
    CHECK(chiaro::gui::quickLightingPrompts().size() == 14);

    PromptPanel panel;
    panel.promptEdit()->setPlainText("a cup of coffee");
    QComboBox* lighting = panel.findChildren<QComboBox*>().first();
    REQUIRE(lighting->itemText(1) == "sunshine from window");
    lighting->setCurrentIndex(1);
    Q_EMIT lighting->activated(1);
    CHECK(panel.promptEdit()->toPlainText() == "a cup of coffee, sunshine from window");
    CHECK(lighting->currentIndex() == 0);
}

TEST_CASE("match photo shows the core's fitted working size and lets the engine resolve it",
          "[gui][studio][prompt]") {
    PromptPanel panel;
    for (QSize photo : {QSize(600, 400), QSize(400, 600), QSize(6000, 4000), QSize(1000, 1000), QSize(300, 2000)}) {
        panel.setPhotoSize(photo);
        const cv::Size fitted = chiaro::core::workingSizeFor({photo.width(), photo.height()});
        INFO(photo.width() << "x" << photo.height() << " -> " << fitted.width << "x" << fitted.height);
        CHECK(panel.widthSpin()->value() == fitted.width);
        CHECK(panel.heightSpin()->value() == fitted.height);
        CHECK_FALSE(panel.widthSpin()->isEnabled());
        RelightJob job;
        panel.writeTo(job);
        CHECK(job.width == 0);  // fitted by the engine: core::resolvedWorkingSize
        CHECK(job.height == 0);
        job.image = cv::Mat(photo.height(), photo.width(), CV_8UC3);
        CHECK(chiaro::core::resolvedWorkingSize(job) == fitted);
    }
    // Unticked, the spin boxes are the working size.
    panel.matchPhotoBox()->setChecked(false);
    panel.widthSpin()->setValue(512);
    panel.heightSpin()->setValue(768);
    RelightJob job;
    panel.writeTo(job);
    CHECK(job.width == 512);
    CHECK(job.height == 768);
}

TEST_CASE("Match background brings fbc's defaults and its background choices", "[gui][studio][prompt]") {
    PromptPanel panel;
    auto* mode = panel.findChild<QComboBox*>("studioMode");
    REQUIRE(mode != nullptr);
    QComboBox* background = panel.fbcBackgroundBox();
    CHECK_FALSE(background->isEnabled());
    CHECK(panel.stepsSpin()->value() == 25);
    mode->setCurrentIndex(mode->findData(static_cast<int>(chiaro::gui::StudioMode::MatchBackground)));
    CHECK(background->isEnabled());
    CHECK(panel.stepsSpin()->value() == 20);
    CHECK(panel.cfgSpin()->value() == Approx(7.0));

    background->setCurrentIndex(background->findData(static_cast<int>(chiaro::core::FbcBackground::Grey)));
    RelightJob job;
    panel.writeTo(job);
    CHECK(job.fbcBackground == chiaro::core::FbcBackground::Grey);
    CHECK(job.background.empty());  // grey needs no image
    background->setCurrentIndex(background->findData(static_cast<int>(chiaro::core::FbcBackground::UploadFlipped)));
    panel.writeTo(job);
    CHECK(job.fbcBackground == chiaro::core::FbcBackground::UploadFlipped);

    // A value the user set stays when the mode changes; an untouched default follows the mode.
    panel.stepsSpin()->setValue(33);
    mode->setCurrentIndex(mode->findData(static_cast<int>(chiaro::gui::StudioMode::Subject)));
    CHECK(panel.stepsSpin()->value() == 33);
    CHECK(panel.cfgSpin()->value() == Approx(2.0));
    panel.writeTo(job);
    CHECK(job.fbcBackground == chiaro::core::FbcBackground::LightMap);

    // A restored grey fbc job comes back as Match background with its own steps and CFG.
    RelightJob grey;
    grey.fbcBackground = chiaro::core::FbcBackground::Grey;
    grey.steps = 12;
    grey.cfg = 5.5;
    panel.readFrom(grey);
    CHECK(mode->currentData().toInt() == static_cast<int>(chiaro::gui::StudioMode::MatchBackground));
    CHECK(background->currentData().toInt() == static_cast<int>(chiaro::core::FbcBackground::Grey));
    CHECK(panel.stepsSpin()->value() == 12);
    CHECK(panel.cfgSpin()->value() == Approx(5.5));
}

// Issue #23: the few-step samplers are listed from the enum, picking one sets CFG 1, and the tcd
// gamma and the high-resolution steps travel with the job.
TEST_CASE("lcm and tcd are offered, set CFG 1, and carry gamma and highres steps", "[gui][studio][prompt][few-step]") {
    PromptPanel panel;
    QComboBox* sampler = panel.samplerBox();
    REQUIRE(sampler->findText("lcm") >= 0);
    REQUIRE(sampler->findText("tcd") >= 0);
    panel.cfgSpin()->setValue(2.0);
    CHECK_FALSE(panel.tcdGammaSpin()->isEnabled());
    sampler->setCurrentIndex(sampler->findText("tcd"));
    CHECK(panel.cfgSpin()->value() == 1.0);
    CHECK(panel.tcdGammaSpin()->isEnabled());
    panel.tcdGammaSpin()->setValue(0.6);
    panel.highresStepsSpin()->setValue(5);
    RelightJob job;
    panel.writeTo(job);
    CHECK(job.sampler == chiaro::core::SamplerKind::Tcd);
    CHECK(job.cfg == 1.0);
    CHECK(job.tcdGamma == Approx(0.6));
    CHECK(job.highresSteps == 5);

    // A restored lcm job keeps its own CFG (no reset on readFrom); the Fast box stays disabled
    // without a few-step LoRA.
    RelightJob lcm;
    lcm.sampler = chiaro::core::SamplerKind::Lcm;
    lcm.cfg = 1.5;
    lcm.steps = 8;
    panel.readFrom(lcm);
    RelightJob out;
    panel.writeTo(out);
    CHECK(out.sampler == chiaro::core::SamplerKind::Lcm);
    CHECK(out.cfg == 1.5);
    CHECK(out.highresSteps == 0);
    CHECK_FALSE(panel.fastBox()->isEnabled());
    CHECK_FALSE(panel.fastBox()->isChecked());
}

TEST_CASE("keep product colours is a subject-mode option that round-trips", "[gui][studio][prompt][colour]") {
    PromptPanel panel;
    RelightJob kept;
    kept.mode = chiaro::core::RelightMode::Subject;
    kept.keepColour = 1.0;
    panel.readFrom(kept);
    CHECK(panel.keepColourBox()->isChecked());
    CHECK(panel.keepColourBox()->isEnabled());
    RelightJob out;
    panel.writeTo(out);
    CHECK(out.keepColour == 1.0);

    // Inpainting regenerates the region: there is no product colour to keep, the box is off.
    RelightJob inpaint = kept;
    inpaint.mode = chiaro::core::RelightMode::Inpaint;
    panel.readFrom(inpaint);
    CHECK_FALSE(panel.keepColourBox()->isEnabled());
    RelightJob inpaintOut;
    panel.writeTo(inpaintOut);
    CHECK(inpaintOut.keepColour == 0.0);

    RelightJob plain;
    panel.readFrom(plain);
    CHECK_FALSE(panel.keepColourBox()->isChecked());
    RelightJob plainOut;
    panel.writeTo(plainOut);
    CHECK(plainOut.keepColour == 0.0);
}
