#pragma once
// The studio's main window: Edit and Batch tabs, the job-queue dock and the status bar.
// Owns the widgets only; long work goes to the engine worker thread, never the UI thread.
#include <QImage>
#include <QMainWindow>
#include <QString>

class QTabWidget;
class QDockWidget;
class QLabel;
class QMessageBox;

namespace chiaro::gui {

class BatchTab;
class EditView;
class QueueDock;
class QueueModel;
class QueueRunner;
class Studio;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // `queuePath`: the job queue's SQLite file; empty = <AppDataLocation>/queue.sqlite.
    explicit MainWindow(QWidget* parent = nullptr, const QString& queuePath = {});
    ~MainWindow() override;

    // Opens a photo from disk (or a Qt resource path). Returns false and shows the reason in the
    // status bar when it cannot be read.
    bool openPhoto(const QString& path);
    QString currentPhotoPath() const { return m_photoPath; }
    QImage currentPhoto() const { return m_photo; }
    EditView* editView() const { return m_editView; }
    Studio* studio() const { return m_studio; }  // light, generate, result, history
    // The persistent queue; all null when the queue file could not be opened (the status bar says why).
    QueueModel* queueModel() const { return m_queueModel; }
    QueueRunner* queueRunner() const { return m_queueRunner; }
    QueueDock* queueDock() const { return m_queueView; }
    BatchTab* batchTab() const { return m_batch; }
    QMessageBox* resumeQuestion() const { return m_resumeQuestion; }

    // Gives the side docks widths that suit the window: about a fifth (light) and a quarter
    // (generate/queue) of it within fixed bounds, so at 1366 px the canvas keeps over half the width
    // and at 4K the panels do not stretch. Done once on the first show; the user's resizing wins after.
    void fitDocksToWidth();

protected:
    void showEvent(QShowEvent* event) override;

private:
    void buildMenus();
    void updateTitle();
    void attachStudio();
    void attachQueue(const QString& queuePath);

    QTabWidget* m_tabs = nullptr;
    EditView* m_editView = nullptr;
    Studio* m_studio = nullptr;
    QDockWidget* m_queueDock = nullptr;
    QueueModel* m_queueModel = nullptr;
    QueueRunner* m_queueRunner = nullptr;
    QueueDock* m_queueView = nullptr;
    BatchTab* m_batch = nullptr;
    QLabel* m_batchPlaceholder = nullptr;  // stays when the queue file cannot be opened
    QMessageBox* m_resumeQuestion = nullptr;
    QString m_photoPath;
    bool m_docksFitted = false;
    QImage m_photo;
};

}  // namespace chiaro::gui
