#pragma once
// A canvas tool: gets pointer events in image coordinates, edits the document, and may draw a
// transient overlay (brush outline, lasso path, rubber band) in widget coordinates.
#include <QObject>
#include <QPainter>
#include <QRectF>
#include <QString>

#include "canvas/pointer_event.h"
#include "canvas/view_transform.h"

namespace chiaro::gui {

class MaskDocument;

// Settings the toolbar edits and the tools read.
struct ToolSettings {
    int size = 40;           // brush diameter, image px, 1..500
    qreal hardness = 0.8;    // 0..1
    qreal flow = 1.0;        // 0..1
    qreal opacity = 1.0;     // 0..1
    int tolerance = 32;      // bucket fill, 0..255 per channel
    static constexpr int kMinSize = 1;
    static constexpr int kMaxSize = 500;
};

class CanvasTool : public QObject {
    Q_OBJECT
public:
    CanvasTool(MaskDocument* document, const ToolSettings* settings, QObject* parent = nullptr)
        : QObject(parent), m_document(document), m_settings(settings) {}

    virtual QString name() const = 0;
    virtual void press(const PointerEvent& event) = 0;
    virtual void move(const PointerEvent& event) = 0;  // also hover moves (no button down)
    virtual void release(const PointerEvent& event) = 0;
    virtual void doubleClick(const PointerEvent&) {}
    virtual void cancel() {}  // Esc or tool switch: drop the operation in progress
    virtual void leave() {}   // the pointer left the canvas: hide hover feedback
    virtual bool confirm() { return false; }  // Enter: finish a pending shape; true when handled

    // Draws the tool's transient overlay; `view` maps image to widget coordinates.
    virtual void paint(QPainter& painter, const ViewTransform& view) const {}
    // The widget area paint() covers now (repainted when overlayChanged() is emitted).
    virtual QRectF overlayBounds(const ViewTransform& view) const { return {}; }

Q_SIGNALS:
    void overlayChanged();

protected:
    MaskDocument* m_document;
    const ToolSettings* m_settings;
};

}  // namespace chiaro::gui
