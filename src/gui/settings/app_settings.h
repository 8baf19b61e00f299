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
    int bitDepth = 8;           // 8 or 16
    QStringList recentFiles;    // newest first
    QString queueResume = "ask";  // jobs left in the queue at start-up: ask | auto | no

    static constexpr int kMaxRecent = 10;

    QString effectiveBundleDir() const;
    core::EngineOptions engineOptions() const;
    void addRecent(const QString& path);

    static AppSettings load(QSettings& settings);
    void save(QSettings& settings) const;
};

}  // namespace chiaro::gui
