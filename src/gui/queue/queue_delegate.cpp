#include "queue/queue_delegate.h"

#include <QApplication>
#include <QPainter>
#include <QStyleOptionProgressBar>

#include "chiaro/jobs/job_store.h"
#include "queue/queue_model.h"

namespace chiaro::gui {
namespace {

constexpr int kPad = 4;

QColor stateColor(jobs::JobState state, const QPalette& palette) {
    switch (state) {
        case jobs::JobState::Done: return QColor(0x3c, 0x9a, 0x4a);
        case jobs::JobState::Failed: return QColor(0xc8, 0x3c, 0x32);
        case jobs::JobState::Cancelled: return palette.color(QPalette::Disabled, QPalette::Text);
        case jobs::JobState::Running: return palette.color(QPalette::Highlight);
        case jobs::JobState::Queued: break;
    }
    return palette.color(QPalette::Text);
}

}  // namespace

QString formatDuration(double seconds) {
    if (seconds < 0) return QStringLiteral("—");
    if (seconds < 90) return QStringLiteral("%1 s").arg(seconds, 0, 'f', 0);
    if (seconds < 5400) return QStringLiteral("%1 min").arg(seconds / 60, 0, 'f', 0);
    return QStringLiteral("%1 h").arg(seconds / 3600, 0, 'f', 1);
}

QSize QueueDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex&) const {
    const int text = option.fontMetrics.height();
    return {200, std::max(QueueModel::kThumb, 3 * text + 6) + 2 * kPad};
}

void QueueDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const {
    QStyleOptionViewItem base = option;
    initStyleOption(&base, index);
    base.text.clear();
    base.icon = QIcon();
    QStyle* style = option.widget ? option.widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &base, painter, option.widget);

    const QRect r = option.rect.adjusted(kPad, kPad, -kPad, -kPad);
    const QImage thumb = index.data(QueueModel::ThumbnailRole).value<QImage>();
    const QRect thumbBox(r.left(), r.top(), QueueModel::kThumb, QueueModel::kThumb);
    if (!thumb.isNull()) {
        const QSize size = thumb.size().scaled(thumbBox.size(), Qt::KeepAspectRatio);
        QRect target(QPoint(), size);
        target.moveCenter(thumbBox.center());
        painter->drawImage(target, thumb);
    } else {
        painter->fillRect(thumbBox, option.palette.color(QPalette::Mid));
    }

    const auto state = static_cast<jobs::JobState>(index.data(QueueModel::StateRole).toInt());
    const int x = thumbBox.right() + 2 * kPad;
    const int line = option.fontMetrics.height();
    const QRect text(x, r.top(), r.right() - x, line);
    const bool selected = option.state & QStyle::State_Selected;
    painter->setPen(option.palette.color(selected ? QPalette::HighlightedText : QPalette::Text));
    painter->drawText(text, Qt::AlignLeft | Qt::AlignVCenter,
                      option.fontMetrics.elidedText(index.data(QueueModel::LabelRole).toString(), Qt::ElideMiddle,
                                                    text.width()));
    QString status = index.data(QueueModel::StateNameRole).toString();
    const double eta = index.data(QueueModel::EtaRole).toDouble();
    if (state == jobs::JobState::Queued || state == jobs::JobState::Running) {
        status += QStringLiteral(" · ETA %1").arg(formatDuration(eta));
    }
    const QString error = index.data(QueueModel::ErrorRole).toString();
    if (!error.isEmpty()) status += QStringLiteral(" · ") + error;
    painter->setPen(stateColor(state, option.palette));
    const QRect statusRect = text.translated(0, line + 1);
    painter->drawText(statusRect, Qt::AlignLeft | Qt::AlignVCenter,
                      option.fontMetrics.elidedText(status, Qt::ElideRight, statusRect.width()));

    QStyleOptionProgressBar bar;
    bar.rect = QRect(x, statusRect.bottom() + 3, text.width(), std::max(6, line - 4));
    bar.minimum = 0;
    bar.maximum = 1000;
    bar.progress = static_cast<int>(index.data(QueueModel::ProgressRole).toDouble() * 1000);
    bar.state = QStyle::State_Enabled | QStyle::State_Horizontal;  // Qt 6 reads the orientation from here
    bar.palette = option.palette;
    style->drawControl(QStyle::CE_ProgressBar, &bar, painter, option.widget);
}

}  // namespace chiaro::gui
