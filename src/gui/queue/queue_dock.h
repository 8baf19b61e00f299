#pragma once
// The queue dock's content: the job list (thumbnail, label, state, progress, ETA; drag to reorder),
// the whole-queue ETA, and the commands: pause/resume, cancel (selected; the running one stops
// within a step), cancel all queued, retry failed, open output, clear finished (also in the
// context menu). Works on the QueueModel (store) and the QueueRunner (running job).
#include <QWidget>

class QLabel;
class QListView;
class QMessageBox;
class QPushButton;

namespace chiaro::gui {

class QueueModel;
class QueueRunner;

class QueueDock : public QWidget {
    Q_OBJECT
public:
    QueueDock(QueueModel* model, QueueRunner* runner, QWidget* parent = nullptr);

    // On start-up with jobs left from the last session (interrupted or queued): `policy` "auto"
    // resumes, "no" pauses the queue, "ask" pauses it and shows a non-modal question whose Yes
    // resumes. Posted to the store thread: returns at once, and `restored` follows.
    void restoreOnStart(const QString& policy);

    void cancelSelected();
    void openSelectedOutput();
    QListView* view() const { return m_view; }
    QLabel* etaLabel() const { return m_eta; }
    QPushButton* pauseButton() const { return m_pause; }

Q_SIGNALS:
    // restoreOnStart is done: the question box (owned by the dock), or nullptr when nothing is asked.
    void restored(QMessageBox* question);

private:
    QMessageBox* askToResume(int left, int recovered);
    std::vector<int64_t> selectedIds() const;
    void updateSummary();
    void showContextMenu(const QPoint& pos);

    QueueModel* m_model;
    QueueRunner* m_runner;
    QListView* m_view = nullptr;
    QLabel* m_eta = nullptr;
    QPushButton* m_pause = nullptr;
};

}  // namespace chiaro::gui
