#pragma once
// One exception boundary for Qt slots and lambdas that touch the job store (SQLite, throws
// core::Error), the disk or the engine. Qt cannot propagate an exception out of a slot: one that
// escapes reaches the event loop and ends the app with std::terminate. `guarded` runs the body,
// and on failure logs it (logger "gui"), tells the user "Cannot <action>: <reason>" without
// blocking (a window-modal QMessageBox opened with open(), never exec(), plus the main window's
// status bar), and returns false so the caller can put its own state back and carry on.
// UI thread only: the message widgets are created here.
#include <functional>

#include <QObject>
#include <QString>

class QWidget;

namespace chiaro::gui {

// Every failure `guarded` caught, as one signal: a long-lived object (a child of the
// QCoreApplication), so a window, a status bar or a test can listen without owning a widget.
class SlotErrorReporter : public QObject {
    Q_OBJECT
public:
    static SlotErrorReporter* instance();
    // The last message reported ("Cannot <action>: <reason>"); empty before the first failure.
    QString lastMessage() const { return m_last; }
    // Records and signals `message`; false (and only logged at debug level) when the same
    // message came less than kRepeatMs ago, so a timer failing every second tells the user once.
    bool report(const QString& message);
    static constexpr qint64 kRepeatMs = 10000;

Q_SIGNALS:
    void failed(const QString& message);

private:
    using QObject::QObject;
    QString m_last;
    qint64 m_lastAt = 0;  // ms since the epoch of m_last
};

// Reports a failure caught elsewhere (a store call's error text that came back from its thread)
// exactly as `guarded` reports its own: "Cannot <action>: <reason>", logged, shown once.
void reportFailure(QWidget* parentForMessage, const QString& action, const QString& reason);

// Runs `body`; on core::Error, std::bad_alloc or any std::exception returns false after reporting
// "Cannot <action>: <reason>". `parentForMessage` picks the window the message box belongs to
// (nullptr: the active window, or no box at all, only the log and the reporter's signal).
// `action` is a verb phrase in the user's words ("cancel the queued jobs").
bool guarded(QWidget* parentForMessage, const QString& action, const std::function<void()>& body);

// The same as a callable for connect(): connect(button, &QPushButton::clicked, this,
// guardedSlot(this, tr("retry the failed jobs"), [this] { m_model->retryFailed(); }));
template <typename F>
auto guardedSlot(QWidget* parentForMessage, const QString& action, F body) {
    return [parentForMessage, action, body = std::move(body)] { guarded(parentForMessage, action, body); };
}

}  // namespace chiaro::gui
