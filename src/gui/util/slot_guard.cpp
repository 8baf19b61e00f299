#include "util/slot_guard.h"

#include <exception>
#include <new>

#include <QApplication>
#include <QDateTime>
#include <QMainWindow>
#include <QMessageBox>
#include <QPointer>
#include <QStatusBar>
#include <QWidget>

#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"

namespace chiaro::gui {
namespace {

constexpr const char* kBoxName = "slotGuardMessage";
constexpr int kStatusMs = 15000;

void showInStatusBar(QWidget* window, const QString& message) {
    // QMainWindow::statusBar() would create one; only a bar the window already has is used.
    if (auto* main = qobject_cast<QMainWindow*>(window))
        if (auto* bar = main->findChild<QStatusBar*>(QString(), Qt::FindDirectChildrenOnly))
            bar->showMessage(message, kStatusMs);
}

// Shows `message` in `window` without blocking anything: a non-modal box (the user may go on
// working and close it when they like) and the status bar of a main window. A box still open from
// an earlier failure is reused, so a burst of failures leaves one box, not a stack.
void show(QWidget* window, const QString& message) {
    if (!window) return;
    auto* box = window->findChild<QMessageBox*>(QString::fromLatin1(kBoxName), Qt::FindDirectChildrenOnly);
    if (!box) {
        box = new QMessageBox(QMessageBox::Warning, QApplication::applicationDisplayName(), message,
                              QMessageBox::Ok, window);
        box->setObjectName(QString::fromLatin1(kBoxName));
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->setWindowModality(Qt::NonModal);
    }
    box->setText(message);
    box->show();
    showInStatusBar(window, message);
}

}  // namespace

void reportFailure(QWidget* parentForMessage, const QString& action, const QString& reason) {
    const QString message = QObject::tr("Cannot %1: %2").arg(action, reason);
    QWidget* window = parentForMessage ? parentForMessage->window() : QApplication::activeWindow();
    if (!SlotErrorReporter::instance()->report(message)) {
        // A repeat (a timer failing every second): the status bar only, no box popping up again.
        showInStatusBar(window, message);
        return;
    }
    core::namedLogger("gui")->error("{}", message.toStdString());
    show(window, message);
}

SlotErrorReporter* SlotErrorReporter::instance() {
    // Owned by the application object, so it outlives every window; made on first use (UI thread).
    static QPointer<SlotErrorReporter> reporter;
    if (!reporter) reporter = new SlotErrorReporter(QCoreApplication::instance());
    return reporter;
}

bool SlotErrorReporter::report(const QString& message) {
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (message == m_last && now - m_lastAt < kRepeatMs) {
        m_lastAt = now;  // still failing: quiet until it has stopped for kRepeatMs
        core::namedLogger("gui")->debug("again: {}", message.toStdString());
        return false;
    }
    m_last = message;
    m_lastAt = now;
    Q_EMIT failed(message);
    return true;
}

bool guarded(QWidget* parentForMessage, const QString& action, const std::function<void()>& body) {
    try {
        body();
        return true;
    } catch (const core::Error& e) {
        reportFailure(parentForMessage, action, QString::fromStdString(e.what()));
    } catch (const std::bad_alloc&) {
        // Nothing big is allocated here: the message and the box are small next to what failed.
        reportFailure(parentForMessage, action, QObject::tr("out of memory"));
    } catch (const std::exception& e) {
        reportFailure(parentForMessage, action, QString::fromStdString(e.what()));
    }
    return false;
}

}  // namespace chiaro::gui
