#include "canvas/mask_edit_command.h"

#include "canvas/mask_document.h"

namespace chiaro::gui {

namespace {
QRect toQRect(const cv::Rect& r) { return QRect(r.x, r.y, r.width, r.height); }
}  // namespace

MaskEditCommand::MaskEditCommand(MaskDocument* document, const QString& text, core::MaskTileDelta delta)
    : QUndoCommand(text), m_document(document), m_delta(std::move(delta)) {}

void MaskEditCommand::undo() {
    m_delta.applyBefore(m_document->mask());
    m_applied = false;
    m_document->notifyMaskChanged(toQRect(m_delta.bounds()));
}

void MaskEditCommand::redo() {
    if (m_applied) return;  // pushed after the edit was made
    m_delta.applyAfter(m_document->mask());
    m_applied = true;
    m_document->notifyMaskChanged(toQRect(m_delta.bounds()));
}

}  // namespace chiaro::gui
