// The result views: the before/after wipe, the history strip's summaries, the variants' directions.
#include <catch2/catch.hpp>

#include <QSignalSpy>
#include <QTest>

#include "result/compare_view.h"
#include "result/history_strip.h"
#include "result/variants_sheet.h"

using chiaro::gui::CompareView;

namespace {

QImage solid(QColor color) {
    QImage image(100, 100, QImage::Format_RGB888);
    image.fill(color);
    return image;
}

QColor pixelAt(CompareView& view, double fx) {
    const QRectF r = view.imageRect();
    const QImage shot = view.grab().toImage();
    return shot.pixelColor(QPointF(r.left() + fx * r.width(), r.center().y()).toPoint());
}

}  // namespace

TEST_CASE("the wipe shows the original left of the line and the result right of it", "[gui][studio][result]") {
    CompareView view;
    view.resize(300, 300);
    view.setBefore(solid(Qt::red));
    view.setAfter(solid(Qt::blue));
    view.setWipe(0.5);
    CHECK(pixelAt(view, 0.25) == QColor(Qt::red));
    CHECK(pixelAt(view, 0.75) == QColor(Qt::blue));

    // Dragging moves the line to the pointer.
    const QRectF r = view.imageRect();
    QTest::mousePress(&view, Qt::LeftButton, Qt::NoModifier, QPointF(r.left() + 0.9 * r.width(), 150).toPoint());
    CHECK(view.wipe() == Approx(0.9).margin(0.01));
    CHECK(pixelAt(view, 0.75) == QColor(Qt::red));

    // Holding Space shows the original everywhere; releasing it brings the wipe back.
    QTest::keyPress(&view, Qt::Key_Space);
    CHECK(view.showingOriginal());
    CHECK(pixelAt(view, 0.95) == QColor(Qt::red));
    QTest::keyRelease(&view, Qt::Key_Space);
    CHECK_FALSE(view.showingOriginal());
    CHECK(pixelAt(view, 0.95) == QColor(Qt::blue));
}

TEST_CASE("history summaries read the job JSON and bad fields do not throw", "[gui][studio][result]") {
    nlohmann::json job = {{"seed", 42}, {"steps", 25}, {"light", {{"azimuth", 90.0}, {"elevation", 15.0}}}};
    const QString s = chiaro::gui::HistoryStrip::summary(job);
    CHECK(s.contains("seed 42"));
    CHECK(s.contains("az 90° el 15°"));
    CHECK(s.contains("25 steps"));
    nlohmann::json none = {{"light", {{"preset", "none"}}}};
    CHECK(chiaro::gui::HistoryStrip::summary(none) == "none");
    nlohmann::json bad = {{"light", {{"azimuth", "left"}, {"elevation", nullptr}}}};
    CHECK_NOTHROW(chiaro::gui::HistoryStrip::summary(bad));
}

TEST_CASE("history entries are selectable and double-click asks for a restore", "[gui][studio][result]") {
    chiaro::gui::HistoryStrip strip;
    QSignalSpy activated(&strip, &chiaro::gui::HistoryStrip::entryActivated);
    QSignalSpy restore(&strip, &chiaro::gui::HistoryStrip::restoreRequested);
    auto result = std::make_shared<chiaro::core::RelightResult>();
    result->job = {{"seed", 1}};
    strip.add({result, solid(Qt::green), {}});
    strip.add({result, solid(Qt::yellow), {}});
    CHECK(strip.count() == 2);
    CHECK(strip.currentEntry() == 1);
    CHECK(activated.last().at(0).toInt() == 1);
    Q_EMIT strip.itemDoubleClicked(strip.item(0));
    REQUIRE(restore.count() == 1);
    CHECK(restore.last().at(0).toInt() == 0);
    strip.clearEntries();
    CHECK(strip.count() == 0);
}

TEST_CASE("variants sweep the azimuth evenly at one elevation", "[gui][studio][result]") {
    const auto d = chiaro::gui::variantDirections(8, 20);
    REQUIRE(d.size() == 8);
    for (size_t i = 0; i < d.size(); ++i) {
        CHECK(d[i].azimuth == Approx(45.0 * i));
        CHECK(d[i].elevation == Approx(20));
    }
    chiaro::gui::VariantsSheet sheet;
    sheet.begin(d);
    CHECK(sheet.cellCount() == 8);
    sheet.setResult(3, solid(Qt::white));
    sheet.setResult(99, solid(Qt::white));  // out of range: ignored
    CHECK(sheet.filledCount() == 1);
}
