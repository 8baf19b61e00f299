#pragma once
// The Edit tab's mask editor: the tool strip, the brush settings bar, a Mask menu (invert, clear, select all, grow,
// shrink, feather, clear hints, import, export), undo/redo, and the canvas. MainWindow only places it
// and forwards photos; messages for the status bar come out of message().
#include <QImage>
#include <QString>
#include <QWidget>

class QAction;
class QMenu;

namespace chiaro::gui {

class MaskCanvas;
class MaskDocument;
class MaskToolBar;
class ToolStrip;

class EditView : public QWidget {
    Q_OBJECT
public:
    explicit EditView(QWidget* parent = nullptr);

    // Shows a photo with an empty mask, then picks up `<name>_mask.png` beside `path` if it exists.
    void setPhoto(const QImage& photo, const QString& path);

    MaskDocument* document() const { return m_document; }
    MaskCanvas* canvas() const { return m_canvas; }
    MaskToolBar* toolBar() const { return m_toolBar; }
    ToolStrip* toolStrip() const { return m_toolStrip; }
    QMenu* maskMenu() const { return m_maskMenu; }

    // Menu actions that ask for a number or a file call these after the dialog.
    void growBy(int pixels);  // negative shrinks
    void featherBy(int pixels);
    bool importMaskFile(const QString& path);
    bool exportMaskFile(const QString& path);

Q_SIGNALS:
    void message(const QString& text);

private:
    void buildMaskMenu();
    QAction* addMaskAction(const QString& text, const QKeySequence& key, const std::function<void()>& run);
    void askNumber(const QString& title, const std::function<void(int)>& run);

    MaskDocument* m_document;
    MaskCanvas* m_canvas;
    MaskToolBar* m_toolBar;
    ToolStrip* m_toolStrip;
    QMenu* m_maskMenu = nullptr;
    QString m_photoPath;
};

}  // namespace chiaro::gui
