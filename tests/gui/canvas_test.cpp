#include <catch2/catch.hpp>

#include <cmath>

#include <QKeyEvent>
#include <QUndoStack>
#include <QWheelEvent>

#include "canvas/canvas_renderer.h"
#include "canvas/mask_canvas.h"
#include "canvas/mask_document.h"
#include "canvas_test_support.h"

using namespace chiaro::gui;
using chiaro::test::drag;
using chiaro::test::sameMask;

namespace {

struct Fixture {
    MaskDocument document;
    MaskCanvas canvas{&document};
    Fixture(int width = 200, int height = 150) {
        canvas.resize(400, 300);
        document.setPhoto(chiaro::test::greyPhoto(width, height));
    }
};

// Grey 128 under the default overlay colour at 50 % (or more than half of that tint).
bool tinted(const QImage& device, int x, int y) {
    const QColor c = device.pixelColor(x, y), o = OverlayStyle().colour;
    const int full = std::abs(o.red() - 128) + std::abs(o.green() - 128) + std::abs(o.blue() - 128);
    const int seen = std::abs(c.red() - 128) + std::abs(c.green() - 128) + std::abs(c.blue() - 128);
    return seen * 2 > full * OverlayStyle().opacity * 1.3;
}

}  // namespace

TEST_CASE("on a devicePixelRatio-2 screen a click paints exactly under the pointer at every zoom", "[gui][canvas]") {
    Fixture f;
    f.canvas.setDevicePixelRatioOverride(2.0);
    const qreal zoom = GENERATE(0.5, 1.0, 3.0);
    f.canvas.setZoom(zoom, QPointF(200, 150));
    REQUIRE(f.canvas.view().devicePixelRatio() == 2.0);
    REQUIRE(f.canvas.view().zoom() == zoom);
    f.canvas.setBrushSize(4);
    f.canvas.settings().hardness = 1.0;
    const QPointF click(181.25, 163.75);  // logical px, inside the shown photo at every zoom
    drag(&f.canvas, {click});

    // Where the canvas shows it: render the widget's device pixels with the same view.
    CanvasRenderer renderer;
    renderer.setPhoto(f.document.rgb());
    const QImage device =
        renderer.render(QRect(0, 0, 800, 600), f.canvas.view(), f.document.mask(), cv::Mat(), OverlayStyle());
    const QPoint at(int(click.x() * 2), int(click.y() * 2));
    INFO("zoom " << zoom);
    CHECK(tinted(device, at.x(), at.y()));
    // The dab has radius 2 image px = 2 * zoom device px: nothing is tinted beyond that (+ 2 px).
    const double reach = 2.0 * zoom + 3.0;
    for (int angle = 0; angle < 360; angle += 30) {
        const int x = at.x() + int(std::lround(reach * std::cos(angle * M_PI / 180)));
        const int y = at.y() + int(std::lround(reach * std::sin(angle * M_PI / 180)));
        CHECK_FALSE(tinted(device, x, y));
    }
    // And in image pixels the dab sits where the view says the pointer is.
    const QPointF image = f.canvas.view().widgetToImage(click);
    CHECK(f.document.mask().at<uint8_t>(int(image.y()), int(image.x())) == 255);
}

TEST_CASE("undo and redo restore the exact mask after every kind of edit", "[gui][canvas]") {
    Fixture f;
    f.canvas.fitToView();
    std::vector<cv::Mat> states{f.document.mask().clone()};
    auto snapshot = [&] { states.push_back(f.document.mask().clone()); };

    f.canvas.settings().hardness = 0.3;
    f.canvas.settings().flow = 0.6;
    drag(&f.canvas, {{60, 60}, {200, 80}, {330, 200}});  // brush stroke
    snapshot();
    f.canvas.setTool(ToolId::Eraser);
    drag(&f.canvas, {{100, 50}, {150, 250}});
    snapshot();
    f.canvas.setTool(ToolId::Lasso);
    drag(&f.canvas, {{220, 40}, {380, 60}, {360, 260}, {230, 240}});
    snapshot();
    f.canvas.setTool(ToolId::Bucket);
    drag(&f.canvas, {{30, 30}}, Qt::RightButton);  // deselect everything connected (the grey photo)
    snapshot();
    f.document.edit("Invert", {}, [](cv::Mat& m) { cv::bitwise_not(m, m); });
    snapshot();

    QUndoStack* undo = f.document.undoStack();
    REQUIRE(undo->count() == int(states.size()) - 1);
    for (size_t i = 1; i < states.size(); ++i) CHECK_FALSE(sameMask(states[i], states[i - 1]));
    for (int i = int(states.size()) - 2; i >= 0; --i) {
        undo->undo();
        CHECK(sameMask(f.document.mask(), states[size_t(i)]));
    }
    for (size_t i = 1; i < states.size(); ++i) {
        undo->redo();
        CHECK(sameMask(f.document.mask(), states[i]));
    }
}

TEST_CASE("brush size follows the bracket keys and Alt+wheel within 1-500 px", "[gui][canvas]") {
    Fixture f;
    f.canvas.setBrushSize(40);
    QKeyEvent up(QEvent::KeyPress, Qt::Key_BracketRight, Qt::NoModifier, "]");
    QApplication::sendEvent(&f.canvas, &up);
    CHECK(f.canvas.settings().size == 44);
    QKeyEvent down(QEvent::KeyPress, Qt::Key_BracketLeft, Qt::NoModifier, "[");
    QApplication::sendEvent(&f.canvas, &down);
    QApplication::sendEvent(&f.canvas, &down);
    CHECK(f.canvas.settings().size < 44);
    QWheelEvent wheel(QPointF(100, 100), f.canvas.mapToGlobal(QPointF(100, 100)), QPoint(), QPoint(0, 120 * 3),
                      Qt::NoButton, Qt::AltModifier, Qt::NoScrollPhase, false);
    const qreal zoom = f.canvas.view().zoom();
    const int before = f.canvas.settings().size;
    QApplication::sendEvent(&f.canvas, &wheel);
    CHECK(f.canvas.settings().size > before);
    CHECK(f.canvas.view().zoom() == zoom);  // Alt+wheel sizes, it does not zoom
    f.canvas.setBrushSize(100000);
    CHECK(f.canvas.settings().size == 500);
    f.canvas.setBrushSize(0);
    CHECK(f.canvas.settings().size == 1);
}

TEST_CASE("the wheel zooms around the pointer and Q toggles the overlay", "[gui][canvas]") {
    Fixture f;
    const QPointF pointer(123, 87);
    const QPointF under = f.canvas.view().widgetToImage(pointer);
    QWheelEvent wheel(pointer, f.canvas.mapToGlobal(pointer), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                      Qt::NoScrollPhase, false);
    const qreal zoom = f.canvas.view().zoom();
    QApplication::sendEvent(&f.canvas, &wheel);
    CHECK(f.canvas.view().zoom() == Approx(zoom * 1.25));
    CHECK(f.canvas.view().imageToWidget(under).x() == Approx(pointer.x()));

    REQUIRE(f.canvas.overlay().visible);
    QKeyEvent q(QEvent::KeyPress, Qt::Key_Q, Qt::NoModifier, "q");
    QApplication::sendEvent(&f.canvas, &q);
    CHECK_FALSE(f.canvas.overlay().visible);
}

TEST_CASE("middle-button drag pans without painting", "[gui][canvas]") {
    Fixture f;
    const QPointF offset = f.canvas.view().offset();
    drag(&f.canvas, {{100, 100}, {130, 90}}, Qt::MiddleButton);
    CHECK(f.canvas.view().offset() == offset + QPointF(30, -10));
    CHECK(cv::countNonZero(f.document.mask()) == 0);
    CHECK(f.document.undoStack()->count() == 0);
}

TEST_CASE("a polygon closes on double-click and Esc drops an unfinished one", "[gui][canvas]") {
    Fixture f;
    f.canvas.setTool(ToolId::Polygon);
    const auto& view = f.canvas.view();
    auto click = [&](QPointF image) {
        drag(&f.canvas, {view.imageToWidget(image)});
    };
    click({20, 20});
    click({120, 20});
    click({20, 120});
    QKeyEvent esc(QEvent::KeyPress, Qt::Key_Escape, Qt::NoModifier);
    QApplication::sendEvent(&f.canvas, &esc);
    CHECK(cv::countNonZero(f.document.mask()) == 0);

    click({20, 20});
    click({120, 20});
    click({20, 120});
    chiaro::test::sendMouse(&f.canvas, QEvent::MouseButtonDblClick, view.imageToWidget({20, 120}), Qt::LeftButton,
                            Qt::LeftButton);
    CHECK(cv::sum(f.document.mask())[0] / 255.0 == Approx(5000).epsilon(0.05));  // the triangle's area
    CHECK(f.document.undoStack()->count() == 1);
}
