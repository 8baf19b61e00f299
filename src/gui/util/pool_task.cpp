#include "util/pool_task.h"

#include <exception>

#include <QFutureWatcher>
#include <QObject>
#include <QtConcurrent/QtConcurrentRun>

namespace chiaro::gui {

QFuture<QString> runOnPool(QObject* context, std::function<void()> work,
                           std::function<void(const QString& error)> done) {
    QFuture<QString> future = QtConcurrent::run([work = std::move(work)]() -> QString {
        try {
            work();
            return {};
        } catch (const std::exception& e) {
            return QString::fromStdString(e.what());
        }
    });
    auto* watcher = new QFutureWatcher<QString>(context);
    QObject::connect(watcher, &QFutureWatcher<QString>::finished, context, [watcher, done = std::move(done)] {
        watcher->deleteLater();
        if (done) done(watcher->result());
    });
    watcher->setFuture(future);
    return future;
}

}  // namespace chiaro::gui
