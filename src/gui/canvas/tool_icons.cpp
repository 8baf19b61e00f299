#include "canvas/tool_icons.h"

#include <functional>

#include <QApplication>
#include <QPainter>
#include <QPainterPath>
#include <QPalette>
#include <QPixmap>

#include "canvas/mask_canvas.h"

namespace chiaro::gui {

namespace {

constexpr int kSize = 24;  // logical px; drawn at 1x and 2x

// Draws with a 24x24 logical canvas, a pen in the text colour and antialiasing on.
QIcon drawn(const std::function<void(QPainter&, const QColor&)>& draw) {
    const QColor ink = QApplication::palette().color(QPalette::ButtonText);
    QIcon icon;
    for (qreal dpr : {1.0, 2.0}) {
        QPixmap pixmap(int(kSize * dpr), int(kSize * dpr));
        pixmap.setDevicePixelRatio(dpr);
        pixmap.fill(Qt::transparent);
        QPainter p(&pixmap);
        p.setRenderHint(QPainter::Antialiasing);
        p.setPen(QPen(ink, 1.6, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.setBrush(Qt::NoBrush);
        draw(p, ink);
        icon.addPixmap(pixmap);
    }
    return icon;
}

void arrow(QPainter& p, bool redo) {
    QPainterPath path;
    const qreal s = redo ? -1 : 1;
    path.moveTo(12 + s * -7, 10);
    path.cubicTo(12 + s * -2, 4, 12 + s * 8, 6, 12 + s * 7, 14);
    path.cubicTo(12 + s * 6.5, 18, 12 + s * 3, 19, 12 + s * 0, 19);
    p.drawPath(path);
    p.drawPolyline(QPolygonF{{12 + s * -7, 5}, {12 + s * -7, 10}, {12 + s * -2, 10}});
}

}  // namespace

QIcon toolIcon(ToolId tool) {
    switch (tool) {
        case ToolId::Brush:
            return drawn([](QPainter& p, const QColor& ink) {
                QRadialGradient soft(12, 12, 9);
                soft.setColorAt(0.0, ink);
                soft.setColorAt(0.6, ink);
                soft.setColorAt(1.0, Qt::transparent);
                p.setPen(Qt::NoPen);
                p.setBrush(soft);
                p.drawEllipse(QPointF(12, 12), 9, 9);
            });
        case ToolId::Eraser:
            return drawn([](QPainter& p, const QColor& ink) {
                p.translate(12, 12);
                p.rotate(-40);
                p.drawRoundedRect(QRectF(-9, -5, 18, 10), 2, 2);
                p.setBrush(ink);
                p.drawRoundedRect(QRectF(-9, -5, 7, 10), 2, 2);
            });
        case ToolId::Lasso:
            return drawn([](QPainter& p, const QColor&) {
                p.drawEllipse(QPointF(12, 10), 9, 6);
                QPainterPath tail;
                tail.moveTo(7, 15);
                tail.cubicTo(5, 19, 9, 20, 8, 23);
                p.drawPath(tail);
            });
        case ToolId::Polygon:
            return drawn([](QPainter& p, const QColor& ink) {
                const QPolygonF shape{{4, 18}, {9, 4}, {20, 8}, {17, 20}};
                p.drawPolygon(shape);
                p.setBrush(ink);
                for (const QPointF& c : shape) p.drawEllipse(c, 1.8, 1.8);
            });
        case ToolId::Bucket:
            return drawn([](QPainter& p, const QColor& ink) {
                p.translate(11, 13);
                p.rotate(-30);
                p.drawRect(QRectF(-6, -6, 12, 12));
                p.resetTransform();
                p.setBrush(ink);
                QPainterPath drop;
                drop.moveTo(20, 13);
                drop.cubicTo(22, 17, 22, 20, 20, 20);
                drop.cubicTo(18, 20, 18, 17, 20, 13);
                p.drawPath(drop);
            });
        case ToolId::Subject:
            return drawn([](QPainter& p, const QColor& ink) {
                p.save();
                p.setPen(QPen(ink, 1.4, Qt::DashLine));
                p.drawRect(QRectF(2.5, 2.5, 19, 19));
                p.restore();
                p.setBrush(ink);
                p.drawEllipse(QPointF(12, 9), 3.2, 3.2);
                p.drawChord(QRectF(6, 13, 12, 12), 0, 180 * 16);
            });
        case ToolId::Hints:
            return drawn([](QPainter& p, const QColor&) {
                QPainterPath a, b;
                a.moveTo(3, 8);
                a.cubicTo(8, 2, 12, 14, 21, 6);
                b.moveTo(3, 18);
                b.cubicTo(8, 12, 12, 24, 21, 16);
                p.setPen(QPen(QColor(64, 200, 96), 2.4, Qt::SolidLine, Qt::RoundCap));
                p.drawPath(a);
                p.setPen(QPen(QColor(64, 150, 255), 2.4, Qt::SolidLine, Qt::RoundCap));
                p.drawPath(b);
            });
    }
    return {};
}

QIcon actionIcon(ActionIcon action) {
    switch (action) {
        case ActionIcon::Overlay:
            return drawn([](QPainter& p, const QColor&) {
                p.drawRect(QRectF(3, 5, 18, 14));
                p.setPen(Qt::NoPen);
                p.setBrush(QColor(40, 110, 255, 170));
                p.drawEllipse(QPointF(12, 12), 5.5, 5.5);
            });
        case ActionIcon::AutoSelect:
            return drawn([](QPainter& p, const QColor& ink) {
                p.drawLine(QPointF(4, 20), QPointF(14, 10));
                p.setBrush(ink);
                const QPointF c(17, 7);
                for (int i = 0; i < 4; ++i) {
                    p.drawLine(c, c + QPointF(i % 2 ? 0 : (i ? -4.5 : 4.5), i % 2 ? (i == 1 ? 4.5 : -4.5) : 0));
                }
            });
        case ActionIcon::Undo: return drawn([](QPainter& p, const QColor&) { arrow(p, false); });
        case ActionIcon::Redo: return drawn([](QPainter& p, const QColor&) { arrow(p, true); });
        case ActionIcon::Fit:
            return drawn([](QPainter& p, const QColor&) {
                for (const QPolygonF& corner : {QPolygonF{{3, 9}, {3, 3}, {9, 3}}, QPolygonF{{15, 3}, {21, 3}, {21, 9}},
                                                QPolygonF{{21, 15}, {21, 21}, {15, 21}}, QPolygonF{{9, 21}, {3, 21}, {3, 15}}})
                    p.drawPolyline(corner);
            });
        case ActionIcon::ActualPixels:
            return drawn([](QPainter& p, const QColor&) {
                QFont font = p.font();
                font.setPixelSize(11);
                font.setBold(true);
                p.setFont(font);
                p.drawText(QRectF(0, 0, 24, 24), Qt::AlignCenter, "1:1");
            });
        case ActionIcon::Menu:
            return drawn([](QPainter& p, const QColor&) {
                for (qreal y : {7.0, 12.0, 17.0}) p.drawLine(QPointF(5, y), QPointF(19, y));
            });
    }
    return {};
}

}  // namespace chiaro::gui
