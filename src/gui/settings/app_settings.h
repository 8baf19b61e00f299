#pragma once
// The studio's persisted preferences (QSettings: ~/.config/Chiaro/Chiaro.conf on Linux).
#include <QSettings>
#include <QString>
#include <QStringList>

#include "chiaro/pipeline/engine.h"

namespace chiaro::gui {

struct AppSettings {
    QString bundleDir;          // empty: core::defaultModelsDir()
    QString device = "auto";    // auto | cpu | cuda
    QString precision = "auto"; // auto | fp32 | fp16 | bf16
    int threads = 0;            // 0 = all cores
    QString outputDir;          // auto-save folder; empty = no auto-save
    int bitDepth = 0;           // 0 = the photo's own (or the result's), 8 or 16
    QStringList recentFiles;    // newest first
    QString queueResume = "ask";  // jobs left in the queue at start-up: ask | auto | no
    // How long a queue job the app claimed stays its own without a renewal (renewed every third);
    // the CLI's --lease-seconds. Another runner takes the job over only after that.
    int queueLeaseSeconds = 60;

    static constexpr int kMaxRecent = 10;

    QString effectiveBundleDir() const;
    // The bundle a job runs on when the folder is an imported pair (core::resolveModelSet): the
    // fbc bundle for a job with a background ("Match background"), the fc one otherwise; the other
    // variant when the folder has only that one, the folder itself when it holds no bundle.
    QString bundleDirFor(const core::RelightJob& job) const;
    // The folder's bundle with segmenter.pt, else its fc bundle (subject selection).
    QString segmenterBundleDir() const;
    bool hasModels() const;  // the folder holds at least one bundle
    core::EngineOptions engineOptions() const;
    void addRecent(const QString& path);

    static AppSettings load(QSettings& settings);
    void save(QSettings& settings) const;
};

// How big the result comes back and whether the photo is cropped to the working aspect: the prompt
// panel's and the Batch tab's last choice. Kept apart from AppSettings so that saving the settings
// dialog's values never overwrites a choice the panels made meanwhile. `group`: "output" (studio)
// or "batch".
struct OutputChoice {
    QString size = "photo";  // core::outputSizeName: "photo" | "working" | "WxH"
    bool crop = false;       // IC-Light's centre crop to the working aspect

    core::OutputSize outputSize() const;  // "photo" for anything unreadable
    static OutputChoice load(QSettings& settings, const QString& group);
    void save(QSettings& settings, const QString& group) const;
};

}  // namespace chiaro::gui
