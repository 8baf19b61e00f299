#include "settings/app_settings.h"

#include "chiaro/core/paths.h"

namespace chiaro::gui {

QString AppSettings::effectiveBundleDir() const {
    return bundleDir.isEmpty() ? QString::fromStdString(core::defaultModelsDir()) : bundleDir;
}

core::EngineOptions AppSettings::engineOptions() const {
    core::EngineOptions options;
    options.device = device.toStdString();
    options.precision = precision.toStdString();
    options.threads = threads;
    return options;
}

void AppSettings::addRecent(const QString& path) {
    recentFiles.removeAll(path);
    recentFiles.prepend(path);
    while (recentFiles.size() > kMaxRecent) recentFiles.removeLast();
}

AppSettings AppSettings::load(QSettings& settings) {
    AppSettings s;
    s.bundleDir = settings.value("models/bundleDir").toString();
    s.device = settings.value("models/device", s.device).toString();
    s.precision = settings.value("models/precision", s.precision).toString();
    s.threads = settings.value("models/threads", 0).toInt();
    s.outputDir = settings.value("output/folder").toString();
    s.bitDepth = settings.value("output/bitDepth", 8).toInt() == 16 ? 16 : 8;
    s.recentFiles = settings.value("files/recent").toStringList();
    s.queueResume = settings.value("queue/resumeOnStart", s.queueResume).toString();
    if (s.queueResume != "auto" && s.queueResume != "no") s.queueResume = "ask";
    return s;
}

void AppSettings::save(QSettings& settings) const {
    settings.setValue("models/bundleDir", bundleDir);
    settings.setValue("models/device", device);
    settings.setValue("models/precision", precision);
    settings.setValue("models/threads", threads);
    settings.setValue("output/folder", outputDir);
    settings.setValue("output/bitDepth", bitDepth);
    settings.setValue("files/recent", recentFiles);
    settings.setValue("queue/resumeOnStart", queueResume);
}

}  // namespace chiaro::gui
