#include "canvas/edit_view.h"

#include <memory>

#include <QAction>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QMenu>
#include <QToolButton>
#include <QUndoStack>
#include <QVBoxLayout>

#include "canvas/mask_canvas.h"
#include "canvas/mask_document.h"
#include "canvas/mask_toolbar.h"
#include "canvas/subject_selector.h"
#include "canvas/tool_icons.h"
#include "canvas/tool_strip.h"
#include "chiaro/core/error.h"
#include "chiaro/core/logging.h"
#include "chiaro/image/image_io.h"
#include "chiaro/mask/mask_ops.h"
#include "util/pool_task.h"

namespace chiaro::gui {

EditView::EditView(QWidget* parent) : QWidget(parent) {
    m_document = new MaskDocument(this);
    m_canvas = new MaskCanvas(m_document, this);
    m_toolBar = new MaskToolBar(m_canvas, this);
    m_toolStrip = new ToolStrip(m_canvas, this);
    m_selector = new SubjectSelector(m_document, this);
    auto* right = new QVBoxLayout;
    right->setSpacing(0);
    right->addWidget(m_toolBar);
    right->addWidget(m_canvas, 1);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_toolStrip);
    layout->addLayout(right, 1);
    buildMaskMenu();
    // Strip shortcuts (tools, fit, 100 %) must also work while the canvas has the focus.
    for (QAction* action : m_toolStrip->actions())
        if (!action->shortcut().isEmpty()) addAction(action);
    connect(m_document, &MaskDocument::autoSelectFinished, this,
            [this](bool, const QString& text) { Q_EMIT message(text); });
    connect(m_selector, &SubjectSelector::availabilityChanged, m_toolStrip, &ToolStrip::setSegmenterAvailable);
    connect(m_toolStrip, &ToolStrip::aiSelectRequested, this, [this] {
        if (m_selector->selectSubject()) Q_EMIT message(tr("Selecting the subject with the segmenter…"));
    });
}

void EditView::setSubjectSelection(EngineHost* host, const QString& bundleDir, const core::EngineOptions& options) {
    m_selector->setEngineHost(host);
    m_selector->setBundle(bundleDir, options);
}

void EditView::setPhoto(const QImage& photo, const QString& path) {
    m_photoPath = path;
    m_document->setPhoto(photo);
    if (m_document->loadSidecarMask(path))
        Q_EMIT message(tr("Loaded the mask %1").arg(QFileInfo(MaskDocument::sidecarMaskPath(path)).fileName()));
}

void EditView::setPhoto(const LoadedPhotoPtr& photo, const QString& path) {
    m_photoPath = path;
    m_document->setPhoto(photo->pixels.image, photo->pyramid);
    if (photo->sidecarMask.empty()) return;
    try {
        m_document->setSidecarMask(photo->sidecarMask, photo->sidecarMaskName);
        Q_EMIT message(tr("Loaded the mask %1").arg(photo->sidecarMaskName));
    } catch (const std::exception& e) {
        core::namedLogger("gui")->warn("{}: not loaded: {}", photo->sidecarMaskName.toStdString(), e.what());
    }
}

QAction* EditView::addMaskAction(const QString& text, const QKeySequence& key, const std::function<void()>& run) {
    QAction* action = m_maskMenu->addAction(text);
    action->setShortcut(key);
    action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(action);  // shortcuts work while the canvas has focus
    connect(action, &QAction::triggered, this, run);
    return action;
}

void EditView::buildMaskMenu() {
    m_maskMenu = new QMenu(tr("Mask"), this);
    QUndoStack* undo = m_document->undoStack();
    QAction* undoAction = undo->createUndoAction(this, tr("Undo"));
    undoAction->setShortcut(QKeySequence::Undo);
    undoAction->setIcon(actionIcon(ActionIcon::Undo));
    QAction* redoAction = undo->createRedoAction(this, tr("Redo"));
    redoAction->setShortcut(QKeySequence::Redo);
    redoAction->setIcon(actionIcon(ActionIcon::Redo));
    for (QAction* a : {undoAction, redoAction}) {
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(a);
        m_maskMenu->addAction(a);
    }
    m_maskMenu->addSeparator();
    auto whole = [this](const QString& text, const std::function<void(cv::Mat&)>& op) {
        return [this, text, op] { runWholeMask(text, op); };
    };
    addMaskAction(tr("Invert"), QKeySequence(Qt::CTRL | Qt::Key_I), whole(tr("Invert"), core::invertMask));
    addMaskAction(tr("Select all"), QKeySequence::SelectAll, whole(tr("Select all"), [](cv::Mat& m) { core::fillMask(m, 255); }));
    addMaskAction(tr("Clear"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A),
                  whole(tr("Clear"), [](cv::Mat& m) { core::fillMask(m, 0); }));
    m_maskMenu->addSeparator();
    addMaskAction(tr("Grow…"), {}, [this] { askNumber(tr("Grow by (px)"), [this](int n) { growBy(n); }); });
    addMaskAction(tr("Shrink…"), {}, [this] { askNumber(tr("Shrink by (px)"), [this](int n) { growBy(-n); }); });
    addMaskAction(tr("Feather…"), {}, [this] { askNumber(tr("Feather by (px)"), [this](int n) { featherBy(n); }); });
    addMaskAction(tr("Clear hints"), {}, [this] { m_document->clearScribbles(); });
    m_maskMenu->addSeparator();
    addMaskAction(tr("Import mask…"), {}, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Import mask"), QFileInfo(m_photoPath).path(),
                                                          tr("Images (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff)"));
        if (!path.isEmpty()) importMaskFile(path);
    });
    addMaskAction(tr("Export mask…"), {}, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export mask"),
                                                          MaskDocument::sidecarMaskPath(m_photoPath), tr("PNG (*.png)"));
        if (!path.isEmpty()) exportMaskFile(path);
    });

    auto* button = new QToolButton(this);
    button->setIcon(actionIcon(ActionIcon::Menu));
    button->setToolTip(tr("Mask: invert, clear, grow, shrink, feather, import, export"));
    button->setObjectName("maskMenuButton");
    button->setMenu(m_maskMenu);
    button->setPopupMode(QToolButton::InstantPopup);
    button->setFocusPolicy(Qt::NoFocus);
    m_toolStrip->addSeparator();
    m_toolStrip->addAction(undoAction);
    m_toolStrip->addAction(redoAction);
    m_toolStrip->addWidget(button);
}

void EditView::askNumber(const QString& title, const std::function<void(int)>& run) {
    bool ok = false;
    const int n = QInputDialog::getInt(this, title, title, 5, 1, 500, 1, &ok);
    if (ok) run(n);
}

void EditView::growBy(int pixels) {
    runWholeMask(pixels >= 0 ? tr("Grow %1 px").arg(pixels) : tr("Shrink %1 px").arg(-pixels),
                 [pixels](cv::Mat& m) { core::growMask(m, pixels); });
}

void EditView::featherBy(int pixels) {
    runWholeMask(tr("Feather %1 px").arg(pixels), [pixels](cv::Mat& m) { core::featherMask(m, pixels); });
}

bool EditView::runWholeMask(const QString& text, const std::function<void(cv::Mat&)>& op) {
    if (!m_document->hasPhoto()) return false;
    if (m_document->editAsync(text, op)) return true;
    Q_EMIT message(tr("%1: wait for the running mask operation to finish").arg(text));
    return false;
}

bool EditView::importMaskFile(const QString& path) {
    try {
        if (!m_document->hasPhoto()) throw core::Error(core::ErrorCode::Usage, "mask import: open a photo first");
        core::probeImageSize(path.toStdString());  // the header only: junk is refused at once
    } catch (const std::exception& e) {
        Q_EMIT message(tr("Cannot import the mask: %1").arg(QString::fromStdString(e.what())));
        return false;
    }
    Q_EMIT message(tr("Loading the mask %1…").arg(QFileInfo(path).fileName()));
    const cv::Mat photo = m_document->rgb();  // to drop the result if another photo opens meanwhile
    auto loaded = std::make_shared<cv::Mat>();
    runOnPool(this, [path, loaded] { *loaded = core::loadMask(path.toStdString()); },
              [this, path, photo, loaded](const QString& error) {
                  bool ok = false;
                  if (m_document->rgb().data != photo.data) {
                      Q_EMIT message(tr("Mask %1 not used: another photo was opened").arg(QFileInfo(path).fileName()));
                  } else if (!error.isEmpty()) {
                      Q_EMIT message(tr("Cannot import the mask: %1").arg(error));
                  } else {
                      try {
                          Q_EMIT message(m_document->importMask(*loaded, QFileInfo(path).fileName()));
                          ok = true;
                      } catch (const std::exception& e) {
                          Q_EMIT message(tr("Cannot import the mask: %1").arg(QString::fromStdString(e.what())));
                      }
                  }
                  Q_EMIT maskFileFinished(path, ok);
              });
    return true;
}

bool EditView::exportMaskFile(const QString& path) {
    if (!m_document->hasPhoto()) {
        Q_EMIT message(tr("Cannot save the mask: there is no mask to save"));
        return false;
    }
    const cv::Mat mask = m_document->mask().clone();  // the brush may go on painting meanwhile
    runOnPool(this, [path, mask] { core::savePng(path.toStdString(), mask); },
              [this, path](const QString& error) {
                  if (error.isEmpty()) {
                      Q_EMIT message(tr("Saved the mask to %1").arg(path));
                  } else {
                      Q_EMIT message(tr("Cannot save the mask: %1").arg(error));
                  }
                  Q_EMIT maskFileFinished(path, error.isEmpty());
              });
    return true;
}

}  // namespace chiaro::gui
