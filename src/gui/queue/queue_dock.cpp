#include "queue/queue_dock.h"

#include <QDesktopServices>
#include <QFileInfo>
#include <QGridLayout>
#include <QLabel>
#include <QListView>
#include <QMenu>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>

#include "queue/queue_delegate.h"
#include "queue/queue_model.h"
#include "queue/queue_runner.h"
#include "util/slot_guard.h"

namespace chiaro::gui {

using jobs::JobState;

QueueDock::QueueDock(QueueModel* model, QueueRunner* runner, QWidget* parent)
    : QWidget(parent), m_model(model), m_runner(runner) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_eta = new QLabel(this);
    layout->addWidget(m_eta);

    m_view = new QListView(this);
    m_view->setModel(model);
    m_view->setItemDelegate(new QueueDelegate(m_view));
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setDragDropMode(QAbstractItemView::InternalMove);
    m_view->setDefaultDropAction(Qt::MoveAction);
    m_view->setDragEnabled(true);
    m_view->setAcceptDrops(true);
    m_view->setDropIndicatorShown(true);
    m_view->setUniformItemSizes(true);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    m_view->setToolTip(tr("Drag queued jobs to reorder them; right-click for more"));
    layout->addWidget(m_view, 1);

    // Every command writes the store (SQLite: a full disk, a read-only or vanished folder, a lock
    // held by another runner): each is posted to the store thread and returns at once; a failure
    // comes back as one message for this dock's window (QueueModel::edit), and the dock stays usable.
    m_model->setMessageParent(this);
    auto* buttons = new QGridLayout;
    auto button = [this, buttons](const QString& text, const QString& tip, int row, int col, const QString& action,
                                  auto slot) {
        auto* b = new QPushButton(text, this);
        b->setToolTip(tip);
        connect(b, &QPushButton::clicked, this, guardedSlot(this, action, slot));
        buttons->addWidget(b, row, col);
        return b;
    };
    m_pause = button(tr("Pause"), tr("Pause or resume the queue (the running job finishes)"), 0, 0,
                     tr("pause or resume the queue"), [this] { m_model->setPaused(!m_model->isPaused()); });
    button(tr("Cancel"), tr("Cancel the selected jobs; a running one stops within a step"), 0, 1,
           tr("cancel the selected jobs"), [this] { cancelSelected(); });
    button(tr("Cancel queued"), tr("Cancel every job that has not started"), 0, 2, tr("cancel the queued jobs"),
           [this] { m_model->cancelAllQueued(); });
    button(tr("Retry failed"), tr("Queue the failed and cancelled jobs again"), 1, 0, tr("retry the failed jobs"),
           [this] { m_model->retryFailed(); });
    button(tr("Open output"), tr("Open the selected job's output file"), 1, 1, tr("open the output"),
           [this] { openSelectedOutput(); });
    button(tr("Clear finished"), tr("Remove done and cancelled jobs from the list"), 1, 2,
           tr("clear the finished jobs"), [this] { m_model->clearFinished(); });
    layout->addLayout(buttons);

    connect(m_view, &QListView::customContextMenuRequested, this, &QueueDock::showContextMenu);
    connect(m_view, &QListView::doubleClicked, this, [this] { openSelectedOutput(); });
    connect(model, &QueueModel::modelReset, this, &QueueDock::updateSummary);
    connect(model, &QueueModel::dataChanged, this, &QueueDock::updateSummary);
    connect(model, &QueueModel::pausedChanged, this, &QueueDock::updateSummary);
    updateSummary();
}

std::vector<int64_t> QueueDock::selectedIds() const {
    std::vector<int64_t> ids;
    for (const QModelIndex& index : m_view->selectionModel()->selectedIndexes())
        ids.push_back(index.data(QueueModel::IdRole).toLongLong());
    return ids;
}

void QueueDock::cancelSelected() {
    const std::vector<int64_t> ids = selectedIds();
    std::vector<int64_t> elsewhere;  // running in another runner (a CLI batch on this queue file)
    for (int64_t id : ids) {
        if (id == m_runner->runningJob()) m_runner->cancelRunning();
        else elsewhere.push_back(id);
    }
    m_model->requestCancel(elsewhere);
    m_model->cancelQueued(ids);
}

void QueueDock::openSelectedOutput() {
    const QModelIndex index = m_view->currentIndex();
    if (!index.isValid()) return;
    const QString path = index.data(QueueModel::OutputRole).toString();
    if (QFileInfo::exists(path)) QDesktopServices::openUrl(QUrl::fromLocalFile(path));
}

void QueueDock::updateSummary() {
    int queued = 0, running = 0, done = 0, failed = 0;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        switch (m_model->job(row).state) {
            case JobState::Queued: ++queued; break;
            case JobState::Running: ++running; break;
            case JobState::Done: ++done; break;
            case JobState::Failed: ++failed; break;
            case JobState::Cancelled: break;
        }
    }
    const bool paused = m_model->isPaused();
    m_pause->setText(paused ? tr("Resume") : tr("Pause"));
    QString text = tr("%1 queued · %2 done · %3 failed").arg(queued + running).arg(done).arg(failed);
    if (queued + running > 0) text += tr(" · all in %1").arg(formatDuration(m_model->queueEta()));
    if (paused) text += tr(" · paused");
    m_eta->setText(text);
}

void QueueDock::showContextMenu(const QPoint& pos) {
    QMenu menu(this);
    auto add = [this, &menu](const QString& text, const QString& action, auto slot) {
        menu.addAction(text, this, guardedSlot(this, action, slot));
    };
    add(tr("Cancel"), tr("cancel the selected jobs"), [this] { cancelSelected(); });
    add(tr("Retry"), tr("retry the selected jobs"), [this] {
        for (int64_t id : selectedIds()) m_model->retry(id);
    });
    add(tr("Move to top"), tr("move the jobs to the top"), [this] {
        const int64_t first = m_model->rowCount() > 0 ? m_model->job(0).id : 0;
        m_model->moveAll(selectedIds(), first);
    });
    menu.addAction(tr("Open output"), this, &QueueDock::openSelectedOutput);
    menu.addSeparator();
    add(tr("Cancel all queued"), tr("cancel the queued jobs"), [this] { m_model->cancelAllQueued(); });
    add(tr("Retry failed"), tr("retry the failed jobs"), [this] { m_model->retryFailed(); });
    add(tr("Clear finished"), tr("clear the finished jobs"), [this] { m_model->clearFinished(); });
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

void QueueDock::restoreOnStart(const QString& policy) {
    struct Restored {
        int recovered = 0;
        int left = 0;
    };
    // One store call: jobs whose runner stopped (this app's last session, a killed CLI batch) are
    // queued again, and the queue is paused before any claim the runner posts after it can run.
    // A queue that cannot be written now (full disk, read-only folder) still opens: the user is
    // told, and the jobs wait as they are.
    const bool resume = policy == "auto";
    m_model->edit<Restored>(tr("restore the queue of the last session"), [resume](jobs::JobStore& store) {
        Restored r;
        r.recovered = store.recoverExpiredLeases();
        r.left = store.count(JobState::Queued);
        if (r.left > 0) store.setSetting("paused", resume ? "0" : "1");
        return r;
    }, [self = QPointer<QueueDock>(this), policy](bool ok, const Restored& r) {
        if (!self) return;  // the dock went away before the store answered
        QMessageBox* box = ok && r.left > 0 && policy == "ask" ? self->askToResume(r.left, r.recovered) : nullptr;
        Q_EMIT self->restored(box);
    }, this);
}

QMessageBox* QueueDock::askToResume(int left, int recovered) {
    auto* box = new QMessageBox(QMessageBox::Question, tr("Resume the queue?"),
                                tr("%n job(s) are left in the queue from the last session (%1 interrupted). "
                                   "Resume them now?", nullptr, left).arg(recovered),
                                QMessageBox::Yes | QMessageBox::No, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box] {
        m_model->setPaused(box->standardButton(box->clickedButton()) != QMessageBox::Yes);
    });
    box->open();  // non-blocking: the app starts with the queue paused until answered
    return box;
}

}  // namespace chiaro::gui
