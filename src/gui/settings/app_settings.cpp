#include "settings/app_settings.h"

#include <algorithm>

#include "chiaro/bundle/model_set.h"
#include "chiaro/core/paths.h"
#include "chiaro/pipeline/framing.h"

namespace chiaro::gui {

QString AppSettings::effectiveBundleDir() const {
    return bundleDir.isEmpty() ? QString::fromStdString(core::defaultModelsDir()) : bundleDir;
}

QString AppSettings::bundleDirFor(const core::RelightJob& job) const {
    const bool fbc = job.fbcBackground != core::FbcBackground::LightMap;
    const std::string dir = core::bundleForVariant(effectiveBundleDir().toStdString(), fbc ? "fbc" : "fc");
    return dir.empty() ? effectiveBundleDir() : QString::fromStdString(dir);
}

QString AppSettings::segmenterBundleDir() const {
    const core::ModelSet set = core::resolveModelSet(effectiveBundleDir().toStdString());
    const std::string dir = !set.segmenter.empty() ? set.segmenter : !set.fc.empty() ? set.fc : set.fbc;
    return dir.empty() ? effectiveBundleDir() : QString::fromStdString(dir);
}

bool AppSettings::hasModels() const { return !core::resolveModelSet(effectiveBundleDir().toStdString()).empty(); }

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
    const int depth = settings.value("output/bitDepth", 0).toInt();
    s.bitDepth = depth == 8 || depth == 16 ? depth : 0;
    s.recentFiles = settings.value("files/recent").toStringList();
    s.queueResume = settings.value("queue/resumeOnStart", s.queueResume).toString();
    if (s.queueResume != "auto" && s.queueResume != "no") s.queueResume = "ask";
    s.queueLeaseSeconds = std::clamp(settings.value("queue/leaseSeconds", s.queueLeaseSeconds).toInt(), 10, 3600);
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
    settings.setValue("queue/leaseSeconds", queueLeaseSeconds);
}

core::OutputSize OutputChoice::outputSize() const {
    try {
        return core::parseOutputSize(size.toStdString());
    } catch (const std::exception&) {
        return {};
    }
}

OutputChoice OutputChoice::load(QSettings& settings, const QString& group) {
    OutputChoice c;
    c.size = settings.value(group + "/size", c.size).toString();
    c.size = QString::fromStdString(core::outputSizeName(c.outputSize()));  // normalised, bad -> photo
    c.crop = settings.value(group + "/crop", false).toBool();
    return c;
}

void OutputChoice::save(QSettings& settings, const QString& group) const {
    settings.setValue(group + "/size", size);
    settings.setValue(group + "/crop", crop);
}

}  // namespace chiaro::gui
