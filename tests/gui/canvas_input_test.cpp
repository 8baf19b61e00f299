#include <catch2/catch.hpp>

#include <QPointingDevice>
#include <QTabletEvent>
#include <QTest>

#include "canvas/mask_canvas.h"
#include "canvas/mask_document.h"
#include "canvas_test_support.h"

using namespace chiaro::gui;

namespace {

void sendTablet(QWidget* widget, const QPointingDevice* pen, QEvent::Type type, QPointF pos, qreal pressure) {
    const Qt::MouseButton button = type == QEvent::TabletMove ? Qt::NoButton : Qt::LeftButton;
    const Qt::MouseButtons buttons = type == QEvent::TabletRelease ? Qt::NoButton : Qt::LeftButton;
    QTabletEvent event(type, pen, pos, widget->mapToGlobal(pos), pressure, 0, 0, 0, 0, 0, Qt::NoModifier, button,
                       buttons);
    QApplication::sendEvent(widget, &event);
}

}  // namespace

TEST_CASE("pen pressure from a tablet scales the brush", "[gui][canvas]") {
    MaskDocument document;
    MaskCanvas canvas(&document);
    canvas.resize(400, 300);
    document.setPhoto(chiaro::test::greyPhoto(400, 300));
    canvas.setZoom(1.0, QPointF(0, 0));
    canvas.setBrushSize(40);
    canvas.settings().hardness = 1.0;
    static QPointingDevice pen("test pen", 4242, QInputDevice::DeviceType::Stylus, QPointingDevice::PointerType::Pen,
                               QInputDevice::Capability::Position | QInputDevice::Capability::Pressure, 1, 3);
    const QPointF at = canvas.view().imageToWidget(QPointF(100.5, 100.5));
    sendTablet(&canvas, &pen, QEvent::TabletPress, at, 0.25);
    sendTablet(&canvas, &pen, QEvent::TabletRelease, at, 0.25);
    const cv::Mat& mask = document.mask();
    // Radius 20 * 0.25 = 5 image px.
    CHECK(mask.at<uint8_t>(100, 104) == 255);
    CHECK(mask.at<uint8_t>(100, 107) == 0);
    CHECK(document.undoStack()->count() == 1);
}

TEST_CASE("a finger paints and two fingers pinch-zoom without painting", "[gui][canvas]") {
    MaskDocument document;
    MaskCanvas canvas(&document);
    canvas.resize(400, 300);
    document.setPhoto(chiaro::test::greyPhoto(400, 300));
    canvas.setZoom(1.0, QPointF(0, 0));
    canvas.show();  // QTest touch events go through the window
    REQUIRE(QTest::qWaitForWindowExposed(&canvas));
    QPointingDevice* screen = QTest::createTouchDevice();

    QTest::touchEvent(&canvas, screen).press(0, QPoint(50, 50));
    QTest::touchEvent(&canvas, screen).move(0, QPoint(150, 50));
    QTest::touchEvent(&canvas, screen).release(0, QPoint(150, 50));
    const QPointF mid = canvas.view().widgetToImage(QPointF(100, 50));
    CHECK(document.mask().at<uint8_t>(int(mid.y()), int(mid.x())) == 255);
    CHECK(document.undoStack()->count() == 1);

    const qreal zoom = canvas.view().zoom();
    QTest::touchEvent(&canvas, screen).press(0, QPoint(150, 150)).press(1, QPoint(250, 150));
    QTest::touchEvent(&canvas, screen).move(0, QPoint(100, 150)).move(1, QPoint(300, 150));
    QTest::touchEvent(&canvas, screen).release(0, QPoint(100, 150)).release(1, QPoint(300, 150));
    CHECK(canvas.view().zoom() == Approx(zoom * 2.0));
    CHECK(document.undoStack()->count() == 1);
}
