#pragma once
// One undo step of the mask: a brush stroke, a fill, an automatic selection. Holds only the tiles
// the edit changed (core::MaskTileDelta), so 100 strokes on a 24 MP mask stay a few megabytes.
#include <QUndoCommand>

#include "chiaro/mask/tile_delta.h"

namespace chiaro::gui {

class MaskDocument;

class MaskEditCommand : public QUndoCommand {
public:
    // The edit has already been applied to the document's mask: the first redo() does nothing.
    MaskEditCommand(MaskDocument* document, const QString& text, core::MaskTileDelta delta);

    void undo() override;
    void redo() override;
    size_t byteSize() const { return m_delta.byteSize(); }

private:
    MaskDocument* m_document;
    core::MaskTileDelta m_delta;
    bool m_applied = true;
};

}  // namespace chiaro::gui
