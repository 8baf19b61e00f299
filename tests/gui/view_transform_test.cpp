#include <catch2/catch.hpp>

#include "canvas/view_transform.h"

using chiaro::gui::ViewTransform;

TEST_CASE("on a devicePixelRatio-2 screen, zoom counts device pixels per image pixel", "[gui][canvas]") {
    ViewTransform view;
    view.setDevicePixelRatio(2.0);
    view.setOffset({10, 20});
    // zoom, then where image point (8, 6) appears in logical and device pixels, by hand:
    // logical = offset + image * zoom / 2; device = 2 * logical.
    struct Case {
        qreal zoom;
        QPointF logical;
        QPointF device;
    };
    const Case c = GENERATE(Case{0.5, {12, 21.5}, {24, 43}}, Case{1.0, {14, 23}, {28, 46}},
                            Case{3.0, {22, 29}, {44, 58}});
    view.setZoom(c.zoom, view.offset());  // anchored at the image origin: the offset stays
    CHECK(view.offset() == QPointF(10, 20));
    CHECK(view.scale() == Approx(c.zoom / 2));
    CHECK(view.imageToWidget(QPointF(8, 6)) == c.logical);
    CHECK(view.imageToDevice(QPointF(8, 6)) == c.device);
    const QPointF back = view.widgetToImage(c.logical);
    CHECK(back.x() == Approx(8));
    CHECK(back.y() == Approx(6));
}

TEST_CASE("zooming keeps the point under the cursor still", "[gui][canvas]") {
    ViewTransform view;
    view.setDevicePixelRatio(2.0);
    view.setOffset({-37.5, 12});
    const QPointF anchor(123.25, 77.5);
    const QPointF under = view.widgetToImage(anchor);
    for (qreal zoom : {0.1, 0.75, 4.0, 64.0}) {
        view.setZoom(zoom, anchor);
        CHECK(view.imageToWidget(under).x() == Approx(anchor.x()));
        CHECK(view.imageToWidget(under).y() == Approx(anchor.y()));
    }
    view.setZoom(1000.0, anchor);
    CHECK(view.zoom() == ViewTransform::kMaxZoom);
}

TEST_CASE("fit centres the whole image in the view on any devicePixelRatio", "[gui][canvas]") {
    for (qreal dpr : {1.0, 1.5, 2.0}) {
        ViewTransform view;
        view.setDevicePixelRatio(dpr);
        view.fit(QSize(6000, 4000), QSize(816, 416), 8);
        CHECK(view.scale() == Approx(0.1));  // min((816-16)/6000, (416-16)/4000) logical px per image px
        CHECK(view.zoom() == Approx(0.1 * dpr));
        const QRectF shown = view.imageToWidget(QRectF(0, 0, 6000, 4000));
        CHECK(shown.center().x() == Approx(408));
        CHECK(shown.center().y() == Approx(208));
    }
}
