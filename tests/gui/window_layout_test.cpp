// The main window's size and dock layout with real widgets on a 1366×768 offscreen screen (see
// screen_1366x768.json): maximised on the first start, restored as it was closed, moved and shrunk
// onto the screen when it was saved on a bigger one, and the canvas the largest area at any size.
#include <catch2/catch.hpp>

#include <cstdlib>

#include <QApplication>
#include <QDockWidget>
#include <QScreen>
#include <QSettings>
#include <QTest>

#include "main_window.h"

using chiaro::gui::MainWindow;

namespace {

QRect available() {
    return QGuiApplication::primaryScreen()->availableGeometry();
}

// Also keeps a closed window from quitting the test's event loops (this process has no exec()).
void forgetLayout() {
    QApplication::setQuitOnLastWindowClosed(false);
    QSettings settings;
    settings.remove("window");
}

bool showAndSettle(MainWindow& window, bool savedLayout) {
    if (savedLayout) {
        window.showWithSavedLayout();
    } else {
        window.show();
    }
    const bool exposed = QTest::qWaitForWindowExposed(&window);
    QApplication::processEvents();
    return exposed;
}

// The canvas (the central tab widget) covers more than any visible dock and over half the width.
void checkCanvasIsLargest(const MainWindow& window) {
    const QWidget* canvas = window.centralWidget();
    const int canvasArea = canvas->width() * canvas->height();
    INFO("window " << window.width() << "x" << window.height() << ", canvas " << canvas->width()
                   << "x" << canvas->height());
    CHECK(canvas->width() * 2 > window.width());
    int docks = 0;
    for (const QDockWidget* dock : window.findChildren<QDockWidget*>()) {
        // The hidden tab of a tabbed pair stays "visible", parked outside the window.
        if (!dock->isVisible() || !window.rect().contains(dock->geometry()))
            continue;
        ++docks;
        INFO(dock->objectName().toStdString() << " " << dock->width() << "x" << dock->height());
        CHECK(dock->width() * dock->height() < canvasArea);
    }
    CHECK(docks >= 3);
}

}  // namespace

TEST_CASE("clampedOnto shrinks a frame to the area and moves it the least", "[gui][layout]") {
    const QRect area(0, 0, 1366, 768);
    CHECK(MainWindow::clampedOnto(QRect(100, 50, 800, 600), area) == QRect(100, 50, 800, 600));
    CHECK(MainWindow::clampedOnto(QRect(900, 500, 800, 600), area) == QRect(566, 168, 800, 600));
    CHECK(MainWindow::clampedOnto(QRect(-300, -40, 800, 600), area) == QRect(0, 0, 800, 600));
    CHECK(MainWindow::clampedOnto(QRect(2000, 1200, 1920, 1080), area) == area);
    CHECK(MainWindow::clampedOnto(QRect(10, 10, 500, 400), QRect(1366, 0, 1920, 1080)) ==
          QRect(1366, 10, 500, 400));
}

TEST_CASE(
    "on the first start the window is maximised over the screen and the canvas is the largest area",
    "[gui][layout]") {
    forgetLayout();
    MainWindow window;
    REQUIRE(showAndSettle(window, true));
    CHECK(window.isMaximized());
    CHECK(window.frameGeometry() == available());
    checkCanvasIsLargest(window);
}

TEST_CASE("at 1366x768, 1920x1080 and 3840x2160 the canvas is the largest area", "[gui][layout]") {
    const QSize size = GENERATE(QSize(1366, 768), QSize(1920, 1080), QSize(3840, 2160));
    MainWindow window;
    window.resize(size);  // what --size does; the docks are fitted on the first show
    REQUIRE(showAndSettle(window, false));
    CHECK(window.size() == size);
    checkCanvasIsLargest(window);
}

TEST_CASE("closing the window saves its geometry and docks and the next start restores them",
          "[gui][layout]") {
    forgetLayout();
    const QRect placed(40, 30, 1300, 700);
    int lightWidth = 0;  // as the user left it
    {
        MainWindow window;
        REQUIRE(showAndSettle(window, true));
        window.setWindowState(Qt::WindowNoState);
        window.setGeometry(placed);
        QTest::qWait(50);  // the layout takes the new size from the resize event
        auto* light = window.findChild<QDockWidget*>("lightDock");
        REQUIRE(light);
        window.resizeDocks({light}, {300}, Qt::Horizontal);
        QTest::qWait(50);
        lightWidth = light->width();
        REQUIRE(std::abs(lightWidth - 260) > 15);  // not what fitDocksToWidth gives at 1300 px
        REQUIRE(window.close());
    }
    CHECK_FALSE(QSettings().value("window/geometry").toByteArray().isEmpty());
    MainWindow window;
    REQUIRE(showAndSettle(window, true));
    CHECK_FALSE(window.isMaximized());
    CHECK(window.geometry() == placed);
    auto* light = window.findChild<QDockWidget*>("lightDock");
    REQUIRE(light);
    CHECK(std::abs(light->width() - lightWidth) <= 2);
}

TEST_CASE("show() with a size (the --size option) neither restores nor saves the layout",
          "[gui][layout]") {
    forgetLayout();
    MainWindow window;
    window.resize(1000, 700);
    REQUIRE(showAndSettle(window, false));
    REQUIRE(window.close());
    CHECK(QSettings().value("window/geometry").toByteArray().isEmpty());
}

TEST_CASE("a geometry saved on a bigger screen is moved and shrunk onto this one",
          "[gui][layout]") {
    forgetLayout();
    {
        // As a 1920x1080 monitor would have left it: hanging over this screen's right and bottom
        // edges, the title bar still on it.
        MainWindow bigger;
        REQUIRE(showAndSettle(bigger, false));
        bigger.setGeometry(500, 300, 1800, 1000);
        QApplication::processEvents();
        REQUIRE(bigger.geometry() == QRect(500, 300, 1800, 1000));
        QSettings().setValue("window/geometry", bigger.saveGeometry());
    }
    MainWindow window;
    REQUIRE(showAndSettle(window, true));
    INFO("restored at " << window.x() << "," << window.y() << " " << window.width() << "x"
                        << window.height());
    CHECK(available().contains(window.frameGeometry()));
    CHECK(window.width() > available().width() - 50);  // shrunk to the screen, not to a sliver
    checkCanvasIsLargest(window);
}
