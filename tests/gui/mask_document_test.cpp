#include <catch2/catch.hpp>

#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>
#include <QUndoStack>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "canvas/edit_view.h"
#include "canvas/mask_canvas.h"
#include "canvas/mask_document.h"
#include "canvas/tool_strip.h"
#include "canvas_test_support.h"
#include "chiaro/core/error.h"
#include "chiaro/image/image_io.h"
#include "chiaro/mask/mask_ops.h"
#include "image_bridge.h"
#include "gui_test_util.h"
#include "main_window.h"
#include "test_support.h"

using namespace chiaro::gui;
using chiaro::test::TempDir;

namespace {

// Left third selected, as a grey PNG of the given size.
void writeLeftThirdMask(const std::string& path, cv::Size size) {
    cv::Mat mask = cv::Mat::zeros(size, CV_8UC1);
    mask(cv::Rect(0, 0, size.width / 3, size.height)).setTo(255);
    REQUIRE(cv::imwrite(path, mask));
}

}  // namespace

TEST_CASE("importing a mask of another size scales it to the photo and says so", "[gui][mask]") {
    TempDir dir;
    MaskDocument document;
    document.setPhoto(chiaro::test::greyPhoto(600, 400));
    writeLeftThirdMask(dir.file("small.png"), {300, 200});
    const QString note = document.importMask(QString::fromStdString(dir.file("small.png")));
    CHECK(note.contains("300×200"));
    const cv::Mat& mask = document.mask();
    REQUIRE(mask.size() == cv::Size(600, 400));
    CHECK(mask.at<uint8_t>(200, 50) == 255);
    CHECK(mask.at<uint8_t>(200, 500) == 0);
    CHECK(cv::mean(mask)[0] / 255.0 == Approx(1.0 / 3).margin(0.01));
    // It is one undo step.
    document.undoStack()->undo();
    CHECK(cv::countNonZero(document.mask()) == 0);
}

TEST_CASE("importing something that is not an image leaves the mask alone", "[gui][mask]") {
    TempDir dir;
    FILE* f = fopen(dir.file("junk.png").c_str(), "w");
    fputs("junk", f);
    fclose(f);
    EditView view;
    view.setPhoto(chiaro::test::greyPhoto(60, 40), QString::fromStdString(dir.file("photo.png")));
    view.document()->edit("fill", {}, [](cv::Mat& m) { m.setTo(7); });
    QSignalSpy messages(&view, &EditView::message);
    CHECK_FALSE(view.importMaskFile(QString::fromStdString(dir.file("junk.png"))));
    REQUIRE(messages.count() == 1);
    CHECK(messages.at(0).at(0).toString().contains("junk.png"));
    CHECK(cv::countNonZero(view.document()->mask() != 7) == 0);
}

TEST_CASE("export writes the mask as a grey PNG that loads back identical", "[gui][mask]") {
    TempDir dir;
    MaskDocument document;
    document.setPhoto(chiaro::test::greyPhoto(97, 61));
    document.edit("paint", {}, [](cv::Mat& m) { cv::circle(m, {40, 30}, 20, cv::Scalar(201), cv::FILLED); });
    document.exportMask(QString::fromStdString(dir.file("out_mask.png")));
    const cv::Mat back = cv::imread(dir.file("out_mask.png"), cv::IMREAD_UNCHANGED);
    REQUIRE(back.type() == CV_8UC1);
    CHECK(chiaro::test::sameMask(back, document.mask()));
}

TEST_CASE("opening a photo picks up <name>_mask.png beside it", "[gui][mask]") {
    TempDir dir;
    const cv::Mat photo(90, 120, CV_8UC3, cv::Scalar(30, 90, 150));
    REQUIRE(cv::imwrite(dir.file("shot.png"), photo));
    writeLeftThirdMask(dir.file("shot_mask.png"), {120, 90});
    MainWindow window;
    REQUIRE(chiaro::test::openPhotoAndWait(window, QString::fromStdString(dir.file("shot.png"))));
    const MaskDocument* document = window.editView()->document();
    CHECK(cv::countNonZero(document->mask()) == 40 * 90);
    CHECK(const_cast<MaskDocument*>(document)->undoStack()->count() == 0);  // the starting point

    REQUIRE(cv::imwrite(dir.file("other.png"), photo));  // no sidecar: empty mask
    REQUIRE(chiaro::test::openPhotoAndWait(window, QString::fromStdString(dir.file("other.png"))));
    CHECK(cv::countNonZero(window.editView()->document()->mask()) == 0);
}

TEST_CASE("auto select runs GrabCut off the UI thread and is one undo step", "[gui][mask][grabcut]") {
    // A bright disc on a dark noisy background: GrabCut from a box around it must find it.
    cv::Mat rgb(240, 320, CV_8UC3);
    cv::randu(rgb, cv::Scalar::all(0), cv::Scalar::all(60));
    cv::Mat truth = cv::Mat::zeros(240, 320, CV_8UC1);
    cv::circle(truth, {160, 120}, 60, cv::Scalar(255), cv::FILLED);
    rgb.setTo(cv::Scalar(230, 200, 40), truth);
    MaskDocument document;
    document.setPhoto(matToQImage(rgb));
    QSignalSpy finished(&document, &MaskDocument::autoSelectFinished);
    document.autoSelect(QRect(80, 40, 160, 160));
    CHECK(document.isBusy());
    REQUIRE(finished.wait(30000));
    CHECK(finished.at(0).at(0).toBool());
    const cv::Mat& mask = document.mask();
    const double iou = double(cv::countNonZero(mask & truth)) / cv::countNonZero(mask | truth);
    CHECK(iou >= 0.95);
    CHECK(document.undoStack()->count() == 1);
    document.undoStack()->undo();
    CHECK(cv::countNonZero(document.mask()) == 0);

    // A rectangle covering everything is refused with a message, not a crash.
    QSignalSpy failed(&document, &MaskDocument::autoSelectFinished);
    document.autoSelect(QRect(0, 0, 320, 240));
    REQUIRE(failed.wait(30000));
    CHECK_FALSE(failed.at(0).at(0).toBool());
    CHECK(failed.at(0).at(1).toString().contains("whole image"));
}

TEST_CASE("one-click Auto select finds a product cut by the bottom edge", "[gui][mask][grabcut]") {
    // A sharp, shaded product running out of the bottom of the frame, over a strongly defocused real
    // photo: the centred rectangle GrabCut used to start from could never reach the bottom edge.
    // (Quality is measured in tests/core/mask/subject_selection_test.cpp; this checks the one click.)
    cv::Mat rgb = chiaro::core::loadImageRgb(chiaro::test::sharedDir() + "/data/photos/coffee.png");  // 600x400
    cv::GaussianBlur(rgb, rgb, cv::Size(), 20.0);  // a far-off backdrop: the cup is a soft glow
    cv::Mat truth = cv::Mat::zeros(rgb.size(), CV_8UC1);
    cv::rectangle(truth, cv::Rect(450, 200, 120, 200), cv::Scalar(255), cv::FILLED);
    cv::circle(truth, {510, 200}, 60, cv::Scalar(255), cv::FILLED, cv::LINE_AA);
    for (int y = 0; y < rgb.rows; ++y)
        for (int x = 0; x < rgb.cols; ++x)
            if (truth.at<uint8_t>(y, x)) {
                const double shade = 0.55 + 0.45 * (x - 450) / 120.0;  // lit from the right
                const bool stripe = ((x + y) / 12) % 2 == 0;
                rgb.at<cv::Vec3b>(y, x) = stripe ? cv::Vec3b(cv::saturate_cast<uchar>(60 * shade), cv::saturate_cast<uchar>(90 * shade), cv::saturate_cast<uchar>(220 * shade))
                                                 : cv::Vec3b(cv::saturate_cast<uchar>(40 * shade), cv::saturate_cast<uchar>(60 * shade), cv::saturate_cast<uchar>(170 * shade));
            }
    EditView view;
    view.setPhoto(matToQImage(rgb), QStringLiteral(":/no-sidecar.png"));
    QSignalSpy finished(view.document(), &MaskDocument::autoSelectFinished);
    view.toolStrip()->autoSelectAction()->trigger();
    CHECK(view.document()->isBusy());  // off the UI thread
    REQUIRE(finished.wait(60000));
    REQUIRE(finished.at(0).at(0).toBool());
    const cv::Mat& mask = view.document()->mask();
    const double iou = double(cv::countNonZero(mask & truth)) / cv::countNonZero(mask | truth);
    CHECK(iou >= 0.9);
    const cv::Mat bottomRow = mask.row(mask.rows - 1) & truth.row(truth.rows - 1);
    CHECK(cv::countNonZero(bottomRow) >= 0.9 * cv::countNonZero(truth.row(truth.rows - 1)));
    CHECK(view.document()->undoStack()->count() == 1);
}

TEST_CASE("the Edit tab holds the mask editor", "[gui][mask]") {
    MainWindow window;
    REQUIRE(chiaro::test::openPhotoAndWait(window, ":/samples/coffee.png"));
    auto* tabs = window.findChild<QTabWidget*>();
    REQUIRE(tabs);
    CHECK(tabs->widget(0) == window.editView());
    CHECK(window.editView()->document()->size() == QSize(600, 400));
}

TEST_CASE("grow, feather and invert of a 24 MP mask run off the UI thread as one undo step", "[gui][mask]") {
    MaskDocument document;
    document.setPhoto(cv::Mat(4000, 6000, CV_8UC3, cv::Scalar(90, 90, 90)), {});
    document.edit("Select a square", {}, [](cv::Mat& m) { m(cv::Rect(2000, 1000, 2000, 2000)).setTo(255); });
    const cv::Mat before = document.mask().clone();
    QSignalSpy finished(&document, &MaskDocument::autoSelectFinished);

    REQUIRE(document.editAsync("Grow 40 px", [](cv::Mat& m) { chiaro::core::growMask(m, 40); }));
    // Returned at once: the live mask is untouched and takes no second operation meanwhile.
    CHECK(document.isBusy());
    CHECK(document.busyText() == "Grow 40 px");
    CHECK(cv::countNonZero(document.mask() != before) == 0);
    CHECK_FALSE(document.editAsync("Invert", chiaro::core::invertMask));
    REQUIRE(finished.wait(30000));
    CHECK(finished.last().at(0).toBool());
    CHECK_FALSE(document.isBusy());
    CHECK(document.mask().at<uint8_t>(1000 - 30, 3000) == 255);  // grown upwards by 40 px
    CHECK(document.mask().at<uint8_t>(1000 - 60, 3000) == 0);
    REQUIRE(document.undoStack()->count() == 2);
    CHECK(document.undoStack()->undoText() == "Grow 40 px");
    document.undoStack()->undo();
    CHECK(cv::countNonZero(document.mask() != before) == 0);

    REQUIRE(document.editAsync("Invert", chiaro::core::invertMask));
    REQUIRE(finished.wait(30000));
    CHECK(document.mask().at<uint8_t>(10, 10) == 255);
    CHECK(document.mask().at<uint8_t>(2000, 3000) == 0);
}

TEST_CASE("the canvas takes no stroke while a mask operation runs", "[gui][mask]") {
    EditView view;
    view.resize(800, 600);
    view.show();
    view.setPhoto(chiaro::test::greyPhoto(3000, 2000), QStringLiteral(":/no-sidecar.png"));
    view.document()->edit("Corner", {}, [](cv::Mat& m) { m(cv::Rect(0, 0, 300, 300)).setTo(255); });
    QSignalSpy finished(view.document(), &MaskDocument::autoSelectFinished);
    QSignalSpy messages(&view, &EditView::message);
    view.featherBy(30);
    REQUIRE(view.document()->isBusy());
    view.growBy(5);  // refused with a message, not queued and not lost silently
    REQUIRE(messages.count() >= 1);
    CHECK(messages.last().at(0).toString().contains("wait for the running mask operation"));
    MaskCanvas* canvas = view.canvas();
    const QPoint centre = canvas->rect().center();
    QTest::mouseClick(canvas, Qt::LeftButton, {}, centre);
    REQUIRE(finished.wait(30000));
    const QPoint pixel = canvas->view().widgetToImage(QPointF(centre)).toPoint();
    CHECK(view.document()->mask().at<uint8_t>(pixel.y(), pixel.x()) == 0);  // the click painted nothing
    CHECK(view.document()->undoStack()->count() == 2);                      // corner, feather
    CHECK(view.document()->undoStack()->undoText() == "Feather 30 px");
    QTest::mouseClick(canvas, Qt::LeftButton, {}, centre);
    CHECK(view.document()->mask().at<uint8_t>(pixel.y(), pixel.x()) > 0);  // idle again: a click paints
}

TEST_CASE("mask files are imported and exported off the UI thread", "[gui][mask]") {
    TempDir dir;
    EditView view;
    view.setPhoto(chiaro::test::greyPhoto(3000, 2000), QString::fromStdString(dir.file("photo.png")));
    writeLeftThirdMask(dir.file("big_mask.png"), {3000, 2000});
    QSignalSpy finished(&view, &EditView::maskFileFinished);
    REQUIRE(view.importMaskFile(QString::fromStdString(dir.file("big_mask.png"))));
    CHECK(cv::countNonZero(view.document()->mask()) == 0);  // not decoded on this thread
    REQUIRE(finished.wait(30000));
    CHECK(finished.last().at(1).toBool());
    CHECK(cv::countNonZero(view.document()->mask()) == 1000 * 2000);
    CHECK(view.document()->undoStack()->undoText() == "Import mask");

    const QString out = QString::fromStdString(dir.file("out_mask.png"));
    REQUIRE(view.exportMaskFile(out));
    REQUIRE(finished.wait(30000));
    CHECK(finished.last().at(1).toBool());
    const cv::Mat back = cv::imread(out.toStdString(), cv::IMREAD_UNCHANGED);
    REQUIRE(back.size() == cv::Size(3000, 2000));
    CHECK(cv::countNonZero(back != view.document()->mask()) == 0);

    // A folder that does not exist: the failure comes back as a message, the mask stays.
    QSignalSpy messages(&view, &EditView::message);
    REQUIRE(view.exportMaskFile(QString::fromStdString(dir.file("missing/out.png"))));
    REQUIRE(finished.wait(30000));
    CHECK_FALSE(finished.last().at(1).toBool());
    CHECK(messages.last().at(0).toString().startsWith("Cannot save the mask"));

    // An import that ends after another photo opened is dropped, not applied to the wrong photo.
    REQUIRE(view.importMaskFile(QString::fromStdString(dir.file("big_mask.png"))));
    view.setPhoto(chiaro::test::greyPhoto(3000, 2000), QString::fromStdString(dir.file("other.png")));
    REQUIRE(finished.wait(30000));
    CHECK_FALSE(finished.last().at(1).toBool());
    CHECK(cv::countNonZero(view.document()->mask()) == 0);
}
