#pragma once
// Helpers for GUI tests that open photos in the main window: the decode runs off the UI thread, so
// a test waits for the window's photoOpened (or photoFailed) signal.
#include <memory>
#include <optional>

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QString>
#include <QTest>

#include "batch/batch_tab.h"
#include "main_window.h"
#include "queue/queue_model.h"
#include "studio/generate_controller.h"
#include "studio/studio.h"

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

// Saves the shown result with Studio::saveAs (written on Qt's pool) and waits for the file. False
// when the save was refused or failed.
inline bool saveAndWait(gui::Studio& studio, const QString& path, int timeoutMs = 60000) {
    QSignalSpy finished(studio.generator(), &gui::GenerateController::saveFinished);
    if (!studio.saveAs(path)) return false;
    while (finished.isEmpty() || finished.last().at(0).toString() != path) {
        if (!finished.wait(timeoutMs)) return false;
    }
    return finished.last().at(1).toBool();
}

// Sets the Batch tab's folder (scanned on Qt's pool) and waits for the scan. False on a timeout.
inline bool setFolderAndWait(gui::BatchTab& batch, const QString& folder, int timeoutMs = 30000) {
    QSignalSpy scanned(&batch, &gui::BatchTab::scanned);
    batch.setInputFolder(folder);
    return scanned.wait(timeoutMs);
}

// Runs the event loop until `done()` holds. False on a timeout.
template <typename Predicate>
bool waitUntil(Predicate done, int timeoutMs = 20000) {
    QElapsedTimer clock;
    clock.start();
    while (!done()) {
        if (clock.elapsed() > timeoutMs) return false;
        QTest::qWait(5);
    }
    return true;
}

// Waits until every store call the model posted so far has been answered (its rows applied).
inline bool waitForStore(gui::QueueModel& model, int timeoutMs = 20000) {
    return waitUntil([&] { return model.storeWorker().pending() == 0; }, timeoutMs);
}

// Starts an asynchronous model edit with a reply callback and waits for the reply: its value, or
// nothing when the edit failed or no reply came within `timeoutMs`. The state is shared, so a
// reply after a timeout writes nothing freed.
//   CHECK(replyOf<int>([&](auto done) { model.cancelQueued({id}, done); }) == 1);
template <typename T, typename Start>
std::optional<T> replyOf(Start start, int timeoutMs = 20000) {
    struct State {
        bool arrived = false;
        bool ok = false;
        T value{};
    };
    auto state = std::make_shared<State>();
    start(gui::QueueModel::Reply<T>([state](bool ok, const T& value) {
        state->arrived = true;
        state->ok = ok;
        state->value = value;
    }));
    if (!waitUntil([&] { return state->arrived; }, timeoutMs) || !state->ok) return std::nullopt;
    return state->value;
}

// The model's asynchronous enqueue, waited for: the ids added (empty on a failure or timeout).
inline std::vector<int64_t> enqueueAndWait(gui::QueueModel& model, const std::vector<jobs::JobSpec>& specs) {
    return replyOf<std::vector<int64_t>>([&](auto done) { model.enqueueAll(specs, done); })
        .value_or(std::vector<int64_t>{});
}

// setPaused, waited for: true when the store has it.
inline bool setPausedAndWait(gui::QueueModel& model, bool paused) {
    return replyOf<bool>([&](auto done) { model.setPaused(paused, done); }).has_value() &&
           model.isPaused() == paused;
}

// Presses the Batch tab's "Add to queue" path and waits for the store's answer: the jobs queued,
// 0 when nothing was planned or the write failed, -1 on a timeout.
inline int addToQueueAndWait(gui::BatchTab& batch, int timeoutMs = 20000) {
    QSignalSpy added(&batch, &gui::BatchTab::added);
    if (!batch.addToQueue()) return 0;
    if (added.isEmpty() && !added.wait(timeoutMs)) return -1;
    return added.first().at(0).toInt();
}

// Waits for the dock's restoreOnStart answer (MainWindow starts one in attachQueue).
inline bool waitForRestore(gui::MainWindow& window, int timeoutMs = 20000) {
    return waitUntil([&] { return window.queueModel() && window.queueModel()->storeWorker().pending() == 0; },
                     timeoutMs);
}

}  // namespace chiaro::test
