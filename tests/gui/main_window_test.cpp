#include <catch2/catch.hpp>

#include <QElapsedTimer>
#include <QTabWidget>

#include "main_window.h"
#include "test_support.h"

using chiaro::gui::MainWindow;

TEST_CASE("the main window opens the bundled sample and names it in the title", "[gui]") {
    MainWindow window;
    REQUIRE(window.openPhoto(":/samples/coffee.png"));
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
    REQUIRE(window.openPhoto(":/samples/coffee.png"));
    CHECK_FALSE(window.openPhoto(QString::fromStdString(bogus)));
    CHECK(window.currentPhotoPath() == ":/samples/coffee.png");
}
