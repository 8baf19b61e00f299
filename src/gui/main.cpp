// chiaro: the Qt Widgets studio. Sets up logging, opens the photo given on the command line (or the
// bundled sample) and, with --screenshot, saves the window to a PNG and quits (docs and smoke tests).
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTimer>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "chiaro/core/logging.h"
#include "chiaro/core/paths.h"
#include "chiaro/pipeline/compute_threads.h"
#include "main_window.h"
#include "panels/light_panel.h"
#include "studio/studio.h"
#include "worker/engine_host.h"

namespace {

// Milliseconds since the kernel started this process (Linux /proc), so the start-up figure includes
// loading the shared libraries (LibTorch, Qt, OpenCV) before main(); -1 where unavailable.
double millisecondsSinceProcessStart() {
    QFile stat(QStringLiteral("/proc/self/stat"));
    if (!stat.open(QIODevice::ReadOnly)) return -1.0;
    const QByteArray text = stat.readAll();
    const int afterName = text.lastIndexOf(')');  // the command name may contain spaces
    const QList<QByteArray> fields = text.mid(afterName + 2).split(' ');
    if (fields.size() < 20) return -1.0;
    const double startTicks = fields[19].toDouble();  // field 22 of stat(5): starttime
    timespec now{};
    clock_gettime(CLOCK_BOOTTIME, &now);
    const double nowSeconds = now.tv_sec + now.tv_nsec * 1e-9;
    return (nowSeconds - startTicks / double(sysconf(_SC_CLK_TCK))) * 1000.0;
}

// Without a display Qt aborts inside QApplication's constructor (SIGABRT and a core dump, even for
// --help); on Linux, say so in one line instead. An explicit platform (QT_QPA_PLATFORM, -platform)
// is the user's choice and goes through.
bool displayAvailable(int argc, char** argv) {
#if defined(__linux__)
    for (const char* variable : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}) {
        const char* value = std::getenv(variable);
        if (value && *value) return true;
    }
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], "-platform") == 0 || std::strncmp(argv[i], "-platform=", 10) == 0) return true;
    return false;
#else
    (void)argc, (void)argv;
    return true;
#endif
}

}  // namespace

int main(int argc, char** argv) {
    if (!displayAvailable(argc, argv)) {
        std::fputs("chiaro: no display to open a window on (DISPLAY and WAYLAND_DISPLAY are not set); run it "
                   "in a desktop session, set QT_QPA_PLATFORM=offscreen for a window without a screen, or use "
                   "chiaro-cli\n",
                   stderr);
        return 2;
    }
    chiaro::core::limitBlasThreadSpinning();  // sets an environment variable: before any thread starts
    Q_INIT_RESOURCE(chiaro);  // the resources live in the chiaro_gui static library
    QApplication app(argc, argv);
    QApplication::setApplicationName("Chiaro");
    QApplication::setOrganizationName("Chiaro");
    QApplication::setApplicationVersion(CHIARO_VERSION);

    QCommandLineParser parser;
    parser.setApplicationDescription("Chiaro: lighting-aware relighting studio");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument("photo", "photo to open (default: the bundled sample)");
    QCommandLineOption verbose("verbose", "log debug messages");
    QCommandLineOption screenshot("screenshot", "save the window to FILE after start-up and quit", "FILE");
    QCommandLineOption size("size", "window size WxH", "WxH");
    QCommandLineOption rig("rig", "start with the light rig NAME (rembrandt, butterfly, ...) or from FILE "
                                  "(a rig .json or a Chiaro PNG)", "NAME_OR_FILE");
    parser.addOptions({verbose, screenshot, size, rig});
    parser.process(app);

    const QString logDir = QString::fromStdString(chiaro::core::userDataDir()) + "/logs";
    QDir().mkpath(logDir);
    chiaro::core::LogOptions logOptions;
    logOptions.programName = "gui";
    logOptions.verbose = parser.isSet(verbose);
    logOptions.logFilePath = (logDir + "/chiaro.log").toStdString();
    chiaro::core::setupLogging(logOptions);

    // On the heap so that it is gone (its engine host cancelled or abandoned, see below) before
    // main decides how to exit.
    auto owned = std::make_unique<chiaro::gui::MainWindow>();
    chiaro::gui::MainWindow& window = *owned;
    if (parser.isSet(rig)) {
        const QString spec = parser.value(rig);
        chiaro::gui::LightPanel* light = window.studio()->lightPanel();
        const bool ok = QFileInfo::exists(spec) ? light->loadRig(spec) : light->applyNamedRig(spec);
        if (!ok) {
            std::fprintf(stderr, "chiaro: --rig %s: %s\n", qPrintable(spec), qPrintable(light->lastError()));
            return 2;
        }
    }
    const QStringList photos = parser.positionalArguments();
    window.openPhoto(photos.isEmpty() ? QStringLiteral(":/samples/coffee.png") : photos.first());
    // --size wins over the saved layout (tests and screenshots need a known size), saves nothing.
    const QStringList wh = parser.value(size).split('x');
    if (parser.isSet(size) && wh.size() == 2) {
        window.resize(wh[0].toInt(), wh[1].toInt());
        window.show();
    } else {
        window.showWithSavedLayout();
    }
    // The first turn of the event loop comes after the window's first paint.
    QTimer::singleShot(0, &window, [] {
        chiaro::core::namedLogger("gui")->info("window shown {:.0f} ms after the process started",
                                               millisecondsSinceProcessStart());
    });

    if (parser.isSet(screenshot)) {
        // After the photo is decoded (off the UI thread) or refused, and a few event-loop turns.
        const QString out = parser.value(screenshot);
        auto shoot = [&window, out] {
            QTimer::singleShot(300, &window, [&window, out] {
                window.grab().save(out);
                QApplication::quit();
            });
        };
        if (window.photoLoader()->isLoading()) {
            QObject::connect(&window, &chiaro::gui::MainWindow::photoOpened, &window, shoot);
            QObject::connect(&window, &chiaro::gui::MainWindow::photoFailed, &window, shoot);
        } else {
            shoot();
        }
    }
    const int code = app.exec();
    owned.reset();
    if (chiaro::gui::EngineHost::abandonedThreads() > 0) {
        // A model load that cannot be interrupted is still running on the abandoned engine thread:
        // running the static destructors (LibTorch's, the loggers') under it would race it, and
        // waiting for it is what quitting must not do. Flush the logs and leave now.
        chiaro::core::namedLogger("gui")->info("exiting with {} engine thread(s) still busy",
                                               chiaro::gui::EngineHost::abandonedThreads());
        spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& logger) { logger->flush(); });
        std::fflush(nullptr);
        std::_Exit(code);
    }
    return code;
}
