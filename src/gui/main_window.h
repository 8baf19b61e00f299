#pragma once
// The studio's main window: Edit and Batch tabs, the job-queue dock and the status bar.
// Owns the widgets only; long work goes to the engine worker thread, never the UI thread.
#include <QElapsedTimer>
#include <QImage>
#include <QMainWindow>
#include <QRect>
#include <QString>

#include "worker/photo_loader.h"

class QTabWidget;
class QDockWidget;
class QLabel;
class QMessageBox;
class QProgressBar;

namespace chiaro::gui {

class BatchTab;
class EditView;
class QueueDock;
class QueueModel;
class QueueRunner;
class Studio;

class PhotoLoader;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    // `queuePath`: the job queue's SQLite file; empty = <AppDataLocation>/queue.sqlite.
    explicit MainWindow(QWidget* parent = nullptr, const QString& queuePath = {});
    ~MainWindow() override;

    // Opens a photo from disk (or a Qt resource path): the file's header is checked here, the decode
    // runs off the UI thread (a busy indicator in the status bar meanwhile) and photoOpened() follows.
    // Returns false, with the reason in the status bar, when the file is no readable image (missing,
    // unknown format, over the pixel limit); a decode that fails later emits photoFailed() and shows
    // the reason. The current photo stays until the new one is decoded; a later open supersedes.
    bool openPhoto(const QString& path);
    PhotoLoader* photoLoader() const { return m_loader; }
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

    // Shows the window as the user left it: the geometry and dock layout saved when it was last
    // closed (QSettings "window/geometry", "window/state"), moved and shrunk onto the screen's
    // available area where the screen got smaller; maximised over that area on the first start.
    // From then on closing the window saves them. show() alone (the --size option, tests) restores
    // and saves nothing.
    void showWithSavedLayout();
    // `frame` shrunk to fit `available`, then moved the least that puts it inside.
    static QRect clampedOnto(QRect frame, const QRect& available);

Q_SIGNALS:
    void photoOpened(const QString& path);
    void photoFailed(const QString& path, const QString& message);

protected:
    void showEvent(QShowEvent* event) override;
    void closeEvent(QCloseEvent* event) override;

private:
    void buildMenus();
    void updateTitle();
    void attachStudio();
    void attachQueue(const QString& queuePath);
    void attachLoader();
    void showPhoto(const QString& path, const LoadedPhotoPtr& photo);

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
    bool m_savesLayout = false;  // set by showWithSavedLayout()
    QImage m_photo;
    QElapsedTimer m_openTimer;  // from the last openPhoto() to the photo's first paint
    PhotoLoader* m_loader = nullptr;
    QProgressBar* m_opening = nullptr;  // status bar busy indicator while a photo decodes
};

}  // namespace chiaro::gui
