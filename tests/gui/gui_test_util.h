#pragma once
// Helpers for GUI tests that open photos in the main window: the decode runs off the UI thread, so
// a test waits for the window's photoOpened (or photoFailed) signal.
#include <QSignalSpy>
#include <QString>

#include "main_window.h"

namespace chiaro::test {

// Opens `path` and waits until the window shows it. False when the open was refused, the decode
// failed, or nothing arrived within `timeoutMs`.
inline bool openPhotoAndWait(gui::MainWindow& window, const QString& path, int timeoutMs = 30000) {
    QSignalSpy opened(&window, &gui::MainWindow::photoOpened);
    QSignalSpy failed(&window, &gui::MainWindow::photoFailed);
    if (!window.openPhoto(path)) return false;
    while (opened.isEmpty() && failed.isEmpty()) {
        if (!opened.wait(timeoutMs)) break;
    }
    return !opened.isEmpty() && opened.last().at(0).toString() == path;
}

}  // namespace chiaro::test
