#include "main_window.h"

#include <algorithm>

#include <QAction>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeySequence>
#include <QLabel>
#include <QMessageBox>
#include <QMenuBar>
#include <QProgressBar>
#include <QStatusBar>
#include <QTabWidget>
#include <QVBoxLayout>

#include "chiaro/image/image_io.h"
#include "canvas/edit_view.h"
#include "canvas/mask_document.h"
#include "batch/batch_tab.h"
#include "queue/queue_dock.h"
#include "queue/queue_model.h"
#include "queue/queue_runner.h"
#include "studio/generate_controller.h"
#include "studio/studio.h"
#include "worker/engine_host.h"

namespace chiaro::gui {

MainWindow::MainWindow(QWidget* parent, const QString& queuePath) : QMainWindow(parent) {
    m_tabs = new QTabWidget(this);
    m_editView = new EditView(m_tabs);
    m_tabs->addTab(m_editView, tr("Edit"));
    connect(m_editView, &EditView::message, this, [this](const QString& text) { statusBar()->showMessage(text); });

    m_batchPlaceholder = new QLabel(tr("Batch: the queue file could not be opened"), m_tabs);
    m_batchPlaceholder->setAlignment(Qt::AlignCenter);
    m_tabs->addTab(m_batchPlaceholder, tr("Batch"));
    setCentralWidget(m_tabs);

    m_queueDock = new QDockWidget(tr("Queue"), this);
    m_queueDock->setObjectName("queueDock");
    addDockWidget(Qt::RightDockWidgetArea, m_queueDock);

    buildMenus();
    attachLoader();
    attachStudio();
    attachQueue(queuePath);
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
    if (!path.startsWith(':')) {
        try {
            core::probeImageSize(path.toStdString());  // the header only: cheap on the UI thread
        } catch (const std::exception& e) {
            statusBar()->showMessage(tr("Cannot open %1").arg(QString::fromStdString(e.what())));
            return false;
        }
    }
    statusBar()->showMessage(tr("Opening %1…").arg(QFileInfo(path).fileName()));
    m_loader->load(path);
    return true;
}

void MainWindow::attachLoader() {
    m_loader = new PhotoLoader(this);
    m_opening = new QProgressBar(this);
    m_opening->setRange(0, 0);
    m_opening->setMaximumWidth(120);
    m_opening->setToolTip(tr("Opening the photo…"));
    m_opening->setVisible(false);
    statusBar()->addPermanentWidget(m_opening);
    connect(m_loader, &PhotoLoader::busyChanged, m_opening, &QWidget::setVisible);
    connect(m_loader, &PhotoLoader::loaded, this, &MainWindow::showPhoto);
    connect(m_loader, &PhotoLoader::failed, this, [this](const QString& path, const QString& message) {
        statusBar()->showMessage(tr("Cannot open %1").arg(message.isEmpty() ? path : message));
        Q_EMIT photoFailed(path, message);
    });
}

void MainWindow::showPhoto(const QString& path, const LoadedPhotoPtr& photo) {
    m_photo = photo->view;
    m_photoPath = path;
    updateTitle();
    const core::Photo& p = photo->photo;
    statusBar()->showMessage(tr("%1 × %2 · %3-bit · %4")
                                 .arg(m_photo.width()).arg(m_photo.height()).arg(p.bitDepth())
                                 .arg(QString::fromStdString(p.colourSpace.empty() ? "sRGB" : p.colourSpace)));
    m_editView->setPhoto(m_photo, path);  // may replace the message when it finds a mask file
    m_studio->setPhoto(path, photo);
    Q_EMIT photoOpened(path);
}

MainWindow::~MainWindow() {
    // The runner and the dock use the model; the engine host (the studio's) outlives the runner.
    delete m_queueRunner;
    delete m_batch;
}

// The queue store, its runner on the studio's engine thread, the dock and the Batch tab.
void MainWindow::attachQueue(const QString& queuePath) {
    std::unique_ptr<jobs::JobStore> store;
    try {
        store = queuePath.isEmpty() ? QueueModel::openDefault() : jobs::JobStore::open(queuePath.toStdString());
    } catch (const std::exception& e) {
        m_queueDock->setWidget(new QLabel(tr("The queue is unavailable: %1").arg(QString::fromStdString(e.what()))));
        statusBar()->showMessage(tr("Queue unavailable: %1").arg(QString::fromStdString(e.what())));
        return;
    }
    m_queueModel = new QueueModel(std::move(store), this);
    m_queueRunner = new QueueRunner(m_queueModel, m_studio->generator()->host(), [this] { return m_studio->settings(); },
                                    this);
    m_queueView = new QueueDock(m_queueModel, m_queueRunner, m_queueDock);
    m_queueDock->setWidget(m_queueView);
    m_batch = new BatchTab(m_queueModel, [this] { return m_studio->jobParameters(); },
                           [this] { return m_studio->settings().effectiveBundleDir(); }, m_tabs);
    const int index = m_tabs->indexOf(m_batchPlaceholder);
    m_tabs->removeTab(index);
    m_tabs->insertTab(index, m_batch, tr("Batch"));
    delete m_batchPlaceholder;
    m_batchPlaceholder = nullptr;
    connect(m_studio, &Studio::batchFolderDropped, m_batch, &BatchTab::setInputFolder);
    connect(m_queueRunner, &QueueRunner::jobFinished, this, [this](qint64, bool ok) {
        if (!ok) statusBar()->showMessage(tr("A queued job failed: see the Queue dock"), 8000);
    });
    m_resumeQuestion = m_queueView->restoreOnStart(m_studio->settings().queueResume);
    m_queueRunner->pump();
}

void MainWindow::showEvent(QShowEvent* event) {
    QMainWindow::showEvent(event);
    if (!m_docksFitted) fitDocksToWidth();
    m_docksFitted = true;
}

void MainWindow::fitDocksToWidth() {
    auto* light = findChild<QDockWidget*>("lightDock");
    auto* generate = findChild<QDockWidget*>("generateDock");
    if (!light || !generate) return;
    const int w = width();
    const int lightWidth = std::clamp(w / 5, 250, 420);
    const int sideWidth = std::clamp(w / 4, 345, 560);
    resizeDocks({light, generate}, {lightWidth, sideWidth}, Qt::Horizontal);
    if (auto* history = findChild<QDockWidget*>("historyDock"))
        resizeDocks({history}, {std::clamp(height() / 7, 100, 220)}, Qt::Vertical);
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
    // One-click AI selection runs on the studio's engine thread; the bundle is re-checked when the
    // settings change.
    EngineHost* host = m_studio->generator()->host();
    const AppSettings& settings = m_studio->settings();
    m_editView->setSubjectSelection(host, settings.segmenterBundleDir(), settings.engineOptions());
    connect(m_studio, &Studio::settingsApplied, m_editView, [this, host](const AppSettings& s) {
        m_editView->setSubjectSelection(host, s.segmenterBundleDir(), s.engineOptions());
    });
}

}  // namespace chiaro::gui
