#pragma once
// Paints one queue row: thumbnail, label, state (with the error of a failed job), a progress bar
// and the job's ETA.
#include <QStyledItemDelegate>

namespace chiaro::gui {

class QueueDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

// "42 s", "3 min", "1.5 h"; "—" for a negative (unknown) estimate.
QString formatDuration(double seconds);

}  // namespace chiaro::gui
