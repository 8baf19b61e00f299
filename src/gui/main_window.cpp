#include "main_window.h"

#include <QAction>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeySequence>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QStatusBar>
#include <QTabWidget>
#include <QVBoxLayout>

#include "canvas/edit_view.h"
#include "canvas/mask_document.h"
#include "studio/studio.h"

namespace chiaro::gui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    m_tabs = new QTabWidget(this);
    m_editView = new EditView(m_tabs);
    m_tabs->addTab(m_editView, tr("Edit"));
    connect(m_editView, &EditView::message, this, [this](const QString& text) { statusBar()->showMessage(text); });

    auto* batch = new QLabel(tr("Batch: relight a folder of product shots (coming with the queue)"), m_tabs);
    batch->setAlignment(Qt::AlignCenter);
    m_tabs->addTab(batch, tr("Batch"));
    setCentralWidget(m_tabs);

    m_queueDock = new QDockWidget(tr("Queue"), this);
    m_queueDock->setObjectName("queueDock");
    m_queueDock->setWidget(new QListWidget(m_queueDock));
    addDockWidget(Qt::RightDockWidgetArea, m_queueDock);

    buildMenus();
    attachStudio();
    statusBar()->showMessage(tr("Ready"));
    resize(1280, 800);
    updateTitle();
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open…"));
    open->setShortcut(QKeySequence::Open);
    connect(open, &QAction::triggered, this, [this] {
        QString path = QFileDialog::getOpenFileName(this, tr("Open photo"), QString(),
                                                    tr("Images (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff)"));
        if (!path.isEmpty()) openPhoto(path);
    });
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    menuBar()->addMenu(m_editView->maskMenu());

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_queueDock->toggleViewAction());
}

bool MainWindow::openPhoto(const QString& path) {
    QImage image(path);
    if (image.isNull()) {
        statusBar()->showMessage(tr("Cannot open %1: not a readable image").arg(path));
        return false;
    }
    m_photo = image.convertToFormat(QImage::Format_RGB888);
    m_photoPath = path;
    updateTitle();
    statusBar()->showMessage(tr("%1 × %2").arg(m_photo.width()).arg(m_photo.height()));
    m_editView->setPhoto(m_photo, path);  // may replace the message when it finds a mask file
    m_studio->setPhoto(path, m_photo);
    return true;
}

void MainWindow::updateTitle() {
    QString name = m_photoPath.isEmpty() ? tr("no photo") : QFileInfo(m_photoPath).fileName();
    setWindowTitle(tr("%1 — Chiaro").arg(name));
}

// The studio adds its docks, tabs and menus; it reads the Edit tab's mask when it changes.
void MainWindow::attachStudio() {
    m_studio = new Studio(this, [this](const QString& path) { return openPhoto(path); });
    m_studio->setMaskProvider([this] { return m_editView->document()->mask().clone(); });
    connect(m_editView->document(), &MaskDocument::maskChanged, m_studio, &Studio::maskEdited);
    connect(m_studio, &Studio::maskFileDropped, m_editView, &EditView::importMaskFile);
}

}  // namespace chiaro::gui
