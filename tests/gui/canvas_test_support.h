#pragma once
// Helpers for the canvas tests: synthetic photos and events with exact (fractional) positions.
#include <QApplication>
#include <QImage>
#include <QMouseEvent>
#include <QWidget>

#include <opencv2/core.hpp>

namespace chiaro::test {

inline QImage greyPhoto(int width, int height, int grey = 128) {
    QImage image(width, height, QImage::Format_RGB888);
    image.fill(QColor(grey, grey, grey));
    return image;
}

inline void sendMouse(QWidget* widget, QEvent::Type type, QPointF pos, Qt::MouseButton button,
                      Qt::MouseButtons buttons, Qt::KeyboardModifiers modifiers = Qt::NoModifier) {
    QMouseEvent event(type, pos, widget->mapToGlobal(pos), button, buttons, modifiers);
    QApplication::sendEvent(widget, &event);
}

// Press at the first point, move through the rest, release at the last.
inline void drag(QWidget* widget, const std::vector<QPointF>& points, Qt::MouseButton button = Qt::LeftButton,
                 Qt::KeyboardModifiers modifiers = Qt::NoModifier) {
    sendMouse(widget, QEvent::MouseButtonPress, points.front(), button, button, modifiers);
    for (size_t i = 1; i < points.size(); ++i)
        sendMouse(widget, QEvent::MouseMove, points[i], Qt::NoButton, button, modifiers);
    sendMouse(widget, QEvent::MouseButtonRelease, points.back(), button, Qt::NoButton, modifiers);
}

inline bool sameMask(const cv::Mat& a, const cv::Mat& b) {
    return a.size() == b.size() && cv::countNonZero(a != b) == 0;
}

}  // namespace chiaro::test
