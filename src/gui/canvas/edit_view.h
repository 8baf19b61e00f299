#pragma once
// The Edit tab's mask editor: the tool strip, the brush settings bar, a Mask menu (invert, clear, select all, grow,
// shrink, feather, clear hints, import, export), undo/redo, and the canvas. MainWindow only places it
// and forwards photos; messages for the status bar come out of message(). With an engine host and a
// bundle that has segmenter.pt (setSubjectSelection), the strip's Auto select becomes the one-click
// AI selection.
#include <functional>

#include <QImage>
#include <QString>
#include <QWidget>

#include "chiaro/pipeline/engine.h"
#include "worker/photo_loader.h"

class QAction;
class QMenu;

namespace chiaro::gui {

class MaskCanvas;
class MaskDocument;
class EngineHost;
class MaskToolBar;
class SubjectSelector;
class ToolStrip;

class EditView : public QWidget {
    Q_OBJECT
public:
    explicit EditView(QWidget* parent = nullptr);

    // Shows a photo with an empty mask, then picks up `<name>_mask.png` beside `path` if it exists.
    void setPhoto(const QImage& photo, const QString& path);
    // A photo the loader decoded: its pixels, canvas pyramid and sidecar mask are used as they are,
    // so the UI thread does no pixel work and reads no file.
    void setPhoto(const LoadedPhotoPtr& photo, const QString& path);

    MaskDocument* document() const { return m_document; }
    MaskCanvas* canvas() const { return m_canvas; }
    MaskToolBar* toolBar() const { return m_toolBar; }
    ToolStrip* toolStrip() const { return m_toolStrip; }
    QMenu* maskMenu() const { return m_maskMenu; }
    SubjectSelector* subjectSelector() const { return m_selector; }

    // The engine thread (not owned) and the configured bundle/device for the AI selection; call
    // again when the settings change (the bundle is checked for a segmenter then, not per click).
    void setSubjectSelection(EngineHost* host, const QString& bundleDir, const core::EngineOptions& options);

    // Menu actions that ask for a number or a file call these after the dialog.
    void growBy(int pixels);  // negative shrinks
    void featherBy(int pixels);
    // Runs a whole-mask operation off the UI thread as one undo step (MaskDocument::editAsync);
    // says so in message() when another one is still running.
    bool runWholeMask(const QString& text, const std::function<void(cv::Mat&)>& op);
    // Mask files are read and written on Qt's pool (a 24 MP PNG takes a good part of a second).
    // False, with a message, when refused at once (no photo, an unreadable header); otherwise
    // maskFileFinished() follows. An import that ends after another photo was opened is dropped.
    bool importMaskFile(const QString& path);
    bool exportMaskFile(const QString& path);

Q_SIGNALS:
    void message(const QString& text);
    void maskFileFinished(const QString& path, bool ok);

private:
    void buildMaskMenu();
    QAction* addMaskAction(const QString& text, const QKeySequence& key, const std::function<void()>& run);
    void askNumber(const QString& title, const std::function<void(int)>& run);

    MaskDocument* m_document;
    MaskCanvas* m_canvas;
    MaskToolBar* m_toolBar;
    ToolStrip* m_toolStrip;
    SubjectSelector* m_selector;
    QMenu* m_maskMenu = nullptr;
    QString m_photoPath;
};

}  // namespace chiaro::gui
