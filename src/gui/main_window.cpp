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

namespace chiaro::gui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    m_tabs = new QTabWidget(this);
    m_photoView = new QLabel(tr("Drop a photo here or use File › Open"), m_tabs);
    m_photoView->setAlignment(Qt::AlignCenter);
    m_photoView->setMinimumSize(320, 240);
    m_photoView->setStyleSheet("QLabel { background: #2b2b2b; color: #bbb; }");
    m_tabs->addTab(m_photoView, tr("Edit"));

    auto* batch = new QLabel(tr("Batch: relight a folder of product shots (coming with the queue)"), m_tabs);
    batch->setAlignment(Qt::AlignCenter);
    m_tabs->addTab(batch, tr("Batch"));
    setCentralWidget(m_tabs);

    m_queueDock = new QDockWidget(tr("Queue"), this);
    m_queueDock->setObjectName("queueDock");
    m_queueDock->setWidget(new QListWidget(m_queueDock));
    addDockWidget(Qt::RightDockWidgetArea, m_queueDock);

    buildMenus();
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
    showPhoto();
    updateTitle();
    statusBar()->showMessage(tr("%1 × %2").arg(m_photo.width()).arg(m_photo.height()));
    return true;
}

void MainWindow::showPhoto() {
    if (m_photo.isNull()) return;
    QSize target = m_photoView->size() - QSize(16, 16);
    m_photoView->setPixmap(QPixmap::fromImage(
        m_photo.scaled(target, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
}

void MainWindow::resizeEvent(QResizeEvent* event) {
    QMainWindow::resizeEvent(event);
    showPhoto();
}

void MainWindow::updateTitle() {
    QString name = m_photoPath.isEmpty() ? tr("no photo") : QFileInfo(m_photoPath).fileName();
    setWindowTitle(tr("%1 — Chiaro").arg(name));
}

}  // namespace chiaro::gui
