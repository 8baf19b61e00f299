// The studio's preferences persist through QSettings and feed the engine options.
#include <catch2/catch.hpp>

#include <QComboBox>
#include <QSettings>

#include "settings/app_settings.h"
#include "settings/settings_dialog.h"
#include "test_support.h"

using chiaro::gui::AppSettings;

TEST_CASE("settings round-trip through QSettings", "[gui][studio][settings]") {
    chiaro::test::TempDir dir;
    const QString ini = QString::fromStdString(dir.file("chiaro.ini"));
    AppSettings s;
    s.bundleDir = "/models/fc";
    s.device = "cpu";
    s.precision = "fp32";
    s.threads = 3;
    s.outputDir = "/tmp/out";
    s.bitDepth = 16;
    s.addRecent("/a.png");
    s.addRecent("/b.png");
    s.addRecent("/a.png");
    {
        QSettings q(ini, QSettings::IniFormat);
        s.save(q);
    }
    QSettings q(ini, QSettings::IniFormat);
    const AppSettings r = AppSettings::load(q);
    CHECK(r.bundleDir == "/models/fc");
    CHECK(r.device == "cpu");
    CHECK(r.precision == "fp32");
    CHECK(r.threads == 3);
    CHECK(r.outputDir == "/tmp/out");
    CHECK(r.bitDepth == 16);
    CHECK(r.recentFiles == QStringList{"/a.png", "/b.png"});
    const auto options = r.engineOptions();
    CHECK(options.device == "cpu");
    CHECK(options.threads == 3);
}

TEST_CASE("recent files keep the newest ten and odd values fall back", "[gui][studio][settings]") {
    AppSettings s;
    for (int i = 0; i < 15; ++i) s.addRecent(QString("/p%1.png").arg(i));
    CHECK(s.recentFiles.size() == AppSettings::kMaxRecent);
    CHECK(s.recentFiles.first() == "/p14.png");
    chiaro::test::TempDir dir;
    QSettings q(QString::fromStdString(dir.file("odd.ini")), QSettings::IniFormat);
    q.setValue("output/bitDepth", 12);
    CHECK(AppSettings::load(q).bitDepth == 0);  // the default: the photo's own depth
    CHECK_FALSE(AppSettings::load(q).effectiveBundleDir().isEmpty());
}

TEST_CASE("the settings dialog's queue-resume control round-trips queue/resumeOnStart",
          "[gui][studio][settings][queue]") {
    chiaro::test::TempDir dir;
    const QString ini = QString::fromStdString(dir.file("resume.ini"));
    for (const QString policy : {"ask", "auto", "no"}) {
        AppSettings s;
        s.queueResume = policy;
        chiaro::gui::SettingsDialog dialog(s);
        QComboBox* box = dialog.queueResumeBox();
        REQUIRE(box);
        CHECK(box->currentData().toString() == policy);  // shows the stored choice
        CHECK(dialog.settings().queueResume == policy);
    }
    AppSettings s;  // default: ask
    chiaro::gui::SettingsDialog dialog(s);
    QComboBox* box = dialog.queueResumeBox();
    CHECK(box->currentData().toString() == "ask");
    box->setCurrentIndex(box->findData("no"));
    {
        QSettings q(ini, QSettings::IniFormat);
        dialog.settings().save(q);
    }
    QSettings q(ini, QSettings::IniFormat);
    CHECK(q.value("queue/resumeOnStart").toString() == "no");
    CHECK(AppSettings::load(q).queueResume == "no");
}
