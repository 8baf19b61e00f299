// The real app, as a child process: told to quit while its queue job is inside a model load that
// cannot be interrupted, it exits at once with code 0 instead of waiting minutes for the load.
#include <catch2/catch.hpp>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSettings>

#include "chiaro/image/image_io.h"
#include "chiaro/jobs/job_store.h"
#include "chiaro/pipeline/relight_job.h"
#include "slow_bundle.h"
#include "test_support.h"

namespace {

// A queued job on `bundleDir` in the queue the app opens at start (<AppDataLocation>/queue.sqlite)
// and settings that resume it at once on the CPU.
void prepareHome(const QString& home, const std::string& bundleDir) {
    QDir().mkpath(home + "/data/Chiaro/Chiaro");
    const std::string photo = (home + "/photo.png").toStdString();
    chiaro::core::savePng(photo, cv::Mat(64, 64, CV_8UC3, cv::Scalar(90, 120, 150)));
    chiaro::core::RelightJob job;
    job.width = job.height = 64;
    job.steps = 1;
    chiaro::jobs::JobSpec spec;
    spec.params = chiaro::core::jobToJson(job);
    spec.inputPath = photo;
    spec.outputPath = (home + "/out/photo_relit.png").toStdString();
    spec.bundleDir = bundleDir;
    spec.label = "photo";
    chiaro::jobs::JobStore::open((home + "/data/Chiaro/Chiaro/queue.sqlite").toStdString())
        ->enqueue(spec);
    QSettings settings(home + "/config/Chiaro/Chiaro.conf", QSettings::IniFormat);
    settings.setValue("models/device", "cpu");
    settings.setValue("queue/resumeOnStart", "auto");
}

QString readLog(const QString& home) {
    QFile log(home + "/data/chiaro/logs/chiaro.log");
    return log.open(QIODevice::ReadOnly) ? QString::fromUtf8(log.readAll()) : QString();
}

}  // namespace

TEST_CASE("the app quits within a second while a model load is running", "[gui][app][shutdown]") {
    chiaro::test::TempDir dir;
    const chiaro::test::SlowBundle bundle(dir.file("slow"));
    const QString home = QString::fromStdString(dir.file("home"));
    prepareHome(home, bundle.dir());

    QProcess app;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();  // QT_QPA_PLATFORM included
    env.insert("HOME", home);
    env.insert("XDG_CONFIG_HOME", home + "/config");
    env.insert("XDG_DATA_HOME", home + "/data");
    env.insert("XDG_CACHE_HOME", home + "/cache");
    app.setProcessEnvironment(env);
    app.setProcessChannelMode(QProcess::ForwardedChannels);
    // --screenshot quits the app (QApplication::quit) right after saving the window.
    const QString shot = home + "/shot.png";
    app.start(CHIARO_APP_PATH, {"--verbose", "--screenshot", shot});
    REQUIRE(app.waitForStarted(10000));

    QElapsedTimer sinceStart;
    sinceStart.start();
    QElapsedTimer sinceQuit;
    while (app.state() != QProcess::NotRunning && sinceStart.elapsed() < 90000) {
        if (!sinceQuit.isValid() && QFile::exists(shot))
            sinceQuit.start();
        if (sinceQuit.isValid() && sinceQuit.elapsed() > 10000)
            break;  // would wait for the load
        app.waitForFinished(10);
    }
    const bool exited = app.state() == QProcess::NotRunning;
    const qint64 quitMs = sinceQuit.isValid() ? sinceQuit.elapsed() : -1;
    if (!exited) {
        app.kill();
        app.waitForFinished(5000);
    }
    bundle.release();
    REQUIRE(sinceQuit.isValid());  // the screenshot was taken, so quit() was called
    CHECK(exited);
    // Within a second here (0.5 s engine wait + teardown); the bound leaves room for a loaded CI
    // machine, and waiting for the load would take minutes.
    CHECK(quitMs < 3000);
    CHECK(app.exitStatus() == QProcess::NormalExit);
    CHECK(app.exitCode() == 0);
    // It quit during the load (the thread was abandoned, not idle) and the log was flushed.
    const QString log = readLog(home);
    INFO(log.toStdString());
    CHECK(log.contains("still busy"));
    CHECK(log.contains("exiting with 1 engine thread(s) still busy"));
}
