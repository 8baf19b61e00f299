#pragma once
// The studio's main window: Edit and Batch tabs, the job-queue dock and the status bar.
// Owns the widgets only; long work goes to the engine worker thread, never the UI thread.
#include <QImage>
#include <QMainWindow>
#include <QString>

class QTabWidget;
class QDockWidget;

namespace chiaro::gui {

class EditView;
class Studio;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);

    // Opens a photo from disk (or a Qt resource path). Returns false and shows the reason in the
    // status bar when it cannot be read.
    bool openPhoto(const QString& path);
    QString currentPhotoPath() const { return m_photoPath; }
    QImage currentPhoto() const { return m_photo; }
    EditView* editView() const { return m_editView; }
    Studio* studio() const { return m_studio; }  // light, generate, result, history

private:
    void buildMenus();
    void updateTitle();
    void attachStudio();

    QTabWidget* m_tabs = nullptr;
    EditView* m_editView = nullptr;
    Studio* m_studio = nullptr;
    QDockWidget* m_queueDock = nullptr;
    QString m_photoPath;
    QImage m_photo;
};

}  // namespace chiaro::gui
