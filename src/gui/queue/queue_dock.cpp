#include "queue/queue_dock.h"

#include <QDesktopServices>
#include <QFileInfo>
#include <QGridLayout>
#include <QLabel>
#include <QListView>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>

#include "queue/queue_delegate.h"
#include "queue/queue_model.h"
#include "queue/queue_runner.h"

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

    auto* buttons = new QGridLayout;
    auto button = [this, buttons](const QString& text, const QString& tip, int row, int col, auto slot) {
        auto* b = new QPushButton(text, this);
        b->setToolTip(tip);
        connect(b, &QPushButton::clicked, this, slot);
        buttons->addWidget(b, row, col);
        return b;
    };
    m_pause = button(tr("Pause"), tr("Pause or resume the queue (the running job finishes)"), 0, 0,
                     [this] { m_model->setPaused(!m_model->isPaused()); });
    button(tr("Cancel"), tr("Cancel the selected jobs; a running one stops within a step"), 0, 1,
           [this] { cancelSelected(); });
    button(tr("Cancel queued"), tr("Cancel every job that has not started"), 0, 2,
           [this] { m_model->cancelAllQueued(); });
    button(tr("Retry failed"), tr("Queue the failed and cancelled jobs again"), 1, 0, [this] { m_model->retryFailed(); });
    button(tr("Open output"), tr("Open the selected job's output file"), 1, 1, [this] { openSelectedOutput(); });
    button(tr("Clear finished"), tr("Remove done and cancelled jobs from the list"), 1, 2,
           [this] { m_model->clearFinished(); });
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
    menu.addAction(tr("Cancel"), this, &QueueDock::cancelSelected);
    menu.addAction(tr("Retry"), this, [this] {
        for (int64_t id : selectedIds()) m_model->retry(id);
    });
    menu.addAction(tr("Move to top"), this, [this] {
        const int64_t first = m_model->rowCount() > 0 ? m_model->job(0).id : 0;
        for (int64_t id : selectedIds()) m_model->moveBefore(id, first);
    });
    menu.addAction(tr("Open output"), this, &QueueDock::openSelectedOutput);
    menu.addSeparator();
    menu.addAction(tr("Cancel all queued"), this, [this] { m_model->cancelAllQueued(); });
    menu.addAction(tr("Retry failed"), this, [this] { m_model->retryFailed(); });
    menu.addAction(tr("Clear finished"), this, [this] { m_model->clearFinished(); });
    menu.exec(m_view->viewport()->mapToGlobal(pos));
}

QMessageBox* QueueDock::restoreOnStart(const QString& policy) {
    auto& store = m_model->store();
    // Jobs whose runner stopped (this app's last session, a killed CLI batch) are queued again now.
    const int recovered = store.recoverExpiredLeases();
    if (recovered > 0) m_model->reload();
    const int left = store.count(JobState::Queued);
    if (left == 0) return nullptr;
    m_model->setPaused(policy != "auto");
    if (policy != "ask") return nullptr;
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
