// chiaro: the Qt Widgets studio. Sets up logging, opens the photo given on the command line (or the
// bundled sample) and, with --screenshot, saves the window to a PNG and quits (docs and smoke tests).
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QTimer>

#include "chiaro/core/logging.h"
#include "chiaro/core/paths.h"
#include "main_window.h"

int main(int argc, char** argv) {
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
    parser.addOptions({verbose, screenshot, size});
    parser.process(app);

    const QString logDir = QString::fromStdString(chiaro::core::userDataDir()) + "/logs";
    QDir().mkpath(logDir);
    chiaro::core::LogOptions logOptions;
    logOptions.programName = "gui";
    logOptions.verbose = parser.isSet(verbose);
    logOptions.logFilePath = (logDir + "/chiaro.log").toStdString();
    chiaro::core::setupLogging(logOptions);

    chiaro::gui::MainWindow window;
    if (parser.isSet(size)) {
        const QStringList wh = parser.value(size).split('x');
        if (wh.size() == 2) window.resize(wh[0].toInt(), wh[1].toInt());
    }
    const QStringList photos = parser.positionalArguments();
    window.openPhoto(photos.isEmpty() ? QStringLiteral(":/samples/coffee.png") : photos.first());
    window.show();

    if (parser.isSet(screenshot)) {
        const QString out = parser.value(screenshot);
        QTimer::singleShot(300, &window, [&window, out] {
            window.grab().save(out);
            QApplication::quit();
        });
    }
    return app.exec();
}
