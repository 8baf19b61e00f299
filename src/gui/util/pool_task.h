#pragma once
// Runs a piece of file or pixel work on Qt's thread pool and hands the outcome back to the UI
// thread: the one shape behind the app's saves, pastes, mask files and background loads. No
// exception crosses the thread: `done` gets the failure's text (empty on success), on `context`'s
// thread, and is dropped when `context` is destroyed first. Results other than success travel in
// state the two lambdas share (e.g. a std::shared_ptr the work fills in).
#include <functional>

#include <QFuture>
#include <QString>

class QObject;

namespace chiaro::gui {

// Returns the future, so that an owner can wait for work that must not be lost (a result save).
QFuture<QString> runOnPool(QObject* context, std::function<void()> work,
                           std::function<void(const QString& error)> done);

}  // namespace chiaro::gui
