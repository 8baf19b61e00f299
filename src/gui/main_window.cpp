#include "main_window.h"

#include <algorithm>

#include <QAction>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QGuiApplication>
#include <QKeySequence>
#include <QLabel>
#include <QMessageBox>
#include <QMenuBar>
#include <QProgressBar>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QVBoxLayout>

#include "chiaro/core/logging.h"
#include "chiaro/image/image_io.h"
#include "canvas/edit_view.h"
#include "canvas/mask_canvas.h"
#include "canvas/mask_document.h"
#include "batch/batch_tab.h"
#include "queue/queue_dock.h"
#include "queue/queue_model.h"
#include "queue/queue_runner.h"
#include "result/compare_view.h"
#include "studio/generate_controller.h"
#include "studio/studio.h"
#include "util/slot_guard.h"
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
    // A failure in a slot with no window of its own (the queue runner's timer) still reaches the user.
    connect(SlotErrorReporter::instance(), &SlotErrorReporter::failed, this,
            [this](const QString& message) { statusBar()->showMessage(message, 10000); });
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
    m_openTimer.start();
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
    m_editView->setPhoto(photo, path);  // may replace the message when it found a mask file
    m_studio->setPhoto(path, photo);
    // Whichever view is in front paints the photo first; that paint ends the measurement.
    auto shown = std::make_shared<PaintTiming>("photo shown {} ms after open", m_openTimer);
    m_editView->canvas()->timeNextPaint(shown);
    m_studio->compareView()->timeNextPaint(shown);
    Q_EMIT photoOpened(path);
}

MainWindow::~MainWindow() {
    // The runner and the dock use the model; the engine host (the studio's) outlives the runner.
    delete m_queueRunner;
    delete m_batch;
}

// The queue store, its runner on the studio's engine thread, the dock and the Batch tab.
// Opening the store stays synchronous, once at start-up (it creates or migrates the file and says
// why it cannot be used before the dock is built); every later store call runs on the store thread.
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
    // Both posted to the queue's store thread, in this order: the restore (which pauses the queue
    // under "ask" and "no") runs before the runner's first claim, which reads the pause flag there.
    connect(m_queueView, &QueueDock::restored, this, [this](QMessageBox* question) { m_resumeQuestion = question; });
    m_queueView->restoreOnStart(m_studio->settings().queueResume);
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

void MainWindow::showWithSavedLayout() {
    m_savesLayout = true;
    QSettings settings;
    const QByteArray saved = settings.value("window/geometry").toByteArray();
    if (saved.isEmpty() || !restoreGeometry(saved)) {
        // First start: the whole available area (also where no window manager maximises, e.g.
        // Xvfb), before the first show so that fitDocksToWidth() sizes the docks for it.
        QScreen* screen = QGuiApplication::primaryScreen();
        if (screen) setGeometry(screen->availableGeometry());
        setWindowState(windowState() | Qt::WindowMaximized);
        show();
        return;
    }
    // restoreGeometry() only rescues a window whose title bar is off every screen; one saved on a
    // larger screen (or a second monitor since unplugged) can still hang over the edge.
    QScreen* screen = QGuiApplication::screenAt(geometry().center());
    if (!screen) screen = QGuiApplication::primaryScreen();
    if (screen && isMaximized()) {
        // Qt places a maximised window below an assumed title bar (y = 20) at the screen's full
        // height: without a window manager to maximise it, its bottom would hang off the screen.
        setGeometry(screen->availableGeometry());
        setWindowState(windowState() | Qt::WindowMaximized);
    } else if (screen && !isFullScreen()) {
        const QRect fitted = clampedOnto(geometry(), screen->availableGeometry());
        if (fitted != geometry()) {
            core::namedLogger("gui")->info(
                "window: the saved geometry {}x{}+{}+{} is moved onto the screen as {}x{}+{}+{}",
                width(), height(), x(), y(), fitted.width(), fitted.height(), fitted.x(),
                fitted.y());
            setGeometry(fitted);
        }
    }
    // The user's dock sizes win over fitDocksToWidth(); a layout from another version is ignored.
    // Restored once shown: on a hidden window the first layout pass redistributes the dock widths.
    m_docksFitted = true;
    show();
    if (!restoreState(settings.value("window/state").toByteArray())) fitDocksToWidth();
}

QRect MainWindow::clampedOnto(QRect frame, const QRect& available) {
    frame.setSize(frame.size().boundedTo(available.size()));
    const int maxLeft = available.left() + available.width() - frame.width();
    const int maxTop = available.top() + available.height() - frame.height();
    frame.moveLeft(std::clamp(frame.left(), available.left(), maxLeft));
    frame.moveTop(std::clamp(frame.top(), available.top(), maxTop));
    return frame;
}

void MainWindow::closeEvent(QCloseEvent* event) {
    QMainWindow::closeEvent(event);
    if (!m_savesLayout || !event->isAccepted()) return;
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState());
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
