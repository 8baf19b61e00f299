#include <catch2/catch.hpp>

#include <QAbstractButton>
#include <QAbstractSpinBox>
#include <QApplication>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QScrollArea>
#include <QTabWidget>
#include <QTest>

#include "gui_test_util.h"
#include "main_window.h"
#include "test_support.h"

using chiaro::gui::MainWindow;

TEST_CASE("the main window opens the bundled sample and names it in the title", "[gui]") {
    MainWindow window;
    REQUIRE(chiaro::test::openPhotoAndWait(window, ":/samples/coffee.png"));
    CHECK(window.windowTitle().startsWith("coffee.png"));
    CHECK(window.currentPhoto().size() == QSize(600, 400));
    auto* tabs = window.findChild<QTabWidget*>();
    REQUIRE(tabs);
    CHECK(tabs->tabText(0) == "Edit");
    CHECK(tabs->tabText(1) == "Batch");
}

TEST_CASE("opening a file that is not an image keeps the current photo", "[gui]") {
    chiaro::test::TempDir dir;
    const std::string bogus = dir.file("not-an-image.png");
    FILE* f = fopen(bogus.c_str(), "w");
    fputs("hello", f);
    fclose(f);
    MainWindow window;
    REQUIRE(chiaro::test::openPhotoAndWait(window, ":/samples/coffee.png"));
    CHECK_FALSE(window.openPhoto(QString::fromStdString(bogus)));
    CHECK(window.currentPhotoPath() == ":/samples/coffee.png");
}

TEST_CASE("at the default size no button or spin box of the Generate dock is squeezed", "[gui]") {
    MainWindow window;
    REQUIRE(chiaro::test::openPhotoAndWait(window, ":/samples/coffee.png"));
    window.resize(1300, 820);
    window.show();
    REQUIRE(QTest::qWaitForWindowExposed(&window));
    QApplication::processEvents();
    auto* dock = window.findChild<QDockWidget*>("generateDock");
    REQUIRE(dock);
    int checked = 0;
    auto* area = qobject_cast<QScrollArea*>(dock->widget());
    REQUIRE(area);
    for (QWidget* w : area->widget()->findChildren<QWidget*>()) {  // the panel, not Qt's title buttons
        if (!w->isVisibleTo(dock) || !(qobject_cast<QAbstractButton*>(w) || qobject_cast<QAbstractSpinBox*>(w)))
            continue;
        ++checked;
        INFO(w->metaObject()->className() << " '" << w->property("text").toString().toStdString() << "' is "
                                          << w->width() << " px wide, needs " << w->minimumSizeHint().width());
        CHECK(w->width() >= w->minimumSizeHint().width());
        CHECK(w->mapTo(area->viewport(), QPoint(w->width(), 0)).x() <= area->viewport()->width());  // not cut off
    }
    CHECK(checked > 10);
    CHECK(window.width() <= 1300);  // the docks' minimum widths did not force the window wider
}
