// chiaro-canvas-bench: how the mask canvas behaves on a 24 MP photo. Prints a table:
//   - brush dab repaint: one pointer move during a stroke, from the event to the repainted dirty
//     rectangle in the window's backing store (target: under 16 ms), at fit, 100 % and 400 %;
//   - a full repaint of the 1600x1000 canvas (zoom/pan) for reference;
//   - undo memory after 100 brush strokes (target: under 100 MB) and after whole-mask edits;
//   - GrabCut subject selection on the full photo (working size 1024 px);
//   - the instant preview while the light is dragged: from the light change to the painted frame
//     in a 1000x700 compare view, through the app's PreviewRenderer (screen-sized proxy, target:
//     median under 33 ms, i.e. 30 frames/s).
// Runs on the offscreen platform unless QT_QPA_PLATFORM says otherwise. Usage: chiaro-canvas-bench
// [--width W --height H] [--dabs N] [--strokes N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <QApplication>
#include <QMouseEvent>
#include <QPaintEvent>

#include <opencv2/imgproc.hpp>

#include "canvas/mask_canvas.h"
#include "canvas/mask_document.h"
#include "result/compare_view.h"
#include "worker/preview_renderer.h"
#include "chiaro/light/display_proxy.h"
#include "chiaro/mask/brush_stroke.h"
#include "chiaro/mask/grabcut.h"
#include "chiaro/mask/mask_ops.h"
#include "image_bridge.h"

using namespace chiaro;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
    int width = 6000, height = 4000, dabs = 200, strokes = 100;
};

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string key = argv[i];
        const int value = std::atoi(argv[i + 1]);
        if (key == "--width") o.width = value;
        else if (key == "--height") o.height = value;
        else if (key == "--dabs") o.dabs = value;
        else if (key == "--strokes") o.strokes = value;
    }
    return o;
}

double ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

struct Stats {
    double median, p95, max;
};

Stats stats(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return {v[v.size() / 2], v[size_t(v.size() * 0.95)], v.back()};
}

void row(const char* what, const std::string& detail, const Stats& s, const char* target) {
    std::printf("| %-28s | %-22s | %8.2f | %8.2f | %8.2f | %-10s |\n", what, detail.c_str(), s.median, s.p95, s.max,
                target);
}

QImage makePhoto(int width, int height) {
    cv::Mat rgb(height, width, CV_8UC3);
    cv::randu(rgb, cv::Scalar::all(0), cv::Scalar::all(255));
    cv::GaussianBlur(rgb, rgb, cv::Size(0, 0), 3.0);  // photo-like texture, not pure noise
    return gui::matToQImage(rgb);
}

void sendMouse(QWidget* w, QEvent::Type type, QPointF pos, Qt::MouseButtons buttons) {
    const Qt::MouseButton button = type == QEvent::MouseMove ? Qt::NoButton : Qt::LeftButton;
    QMouseEvent e(type, pos, w->mapToGlobal(pos), button, buttons, Qt::NoModifier);
    QApplication::sendEvent(w, &e);
}

// Counts the canvas' paint events and the area they repaint, to show dabs repaint a small rectangle.
class PaintCounter : public QObject {
public:
    long long paints = 0, area = 0;
    bool eventFilter(QObject*, QEvent* event) override {
        if (event->type() == QEvent::Paint) {
            ++paints;
            for (const QRect& r : static_cast<QPaintEvent*>(event)->region()) area += (long long)r.width() * r.height();
        }
        return false;
    }
};

// One stroke of `count` moves across the canvas; times each move until its repaint is done.
Stats dabRepaint(gui::MaskCanvas& canvas, int count) {
    PaintCounter counter;
    canvas.installEventFilter(&counter);
    std::vector<double> times;
    QPointF p(300, 300);
    sendMouse(&canvas, QEvent::MouseButtonPress, p, Qt::LeftButton);
    QApplication::processEvents();
    for (int i = 0; i < count; ++i) {
        p += QPointF(4.0, (i / 60) % 2 ? -2.0 : 2.0);
        if (p.x() > 1300) p.setX(300);
        const auto start = Clock::now();
        sendMouse(&canvas, QEvent::MouseMove, p, Qt::LeftButton);
        QApplication::processEvents();  // the posted UpdateRequest paints the dirty rectangle
        times.push_back(ms(Clock::now() - start));
    }
    sendMouse(&canvas, QEvent::MouseButtonRelease, p, Qt::NoButton);
    QApplication::processEvents();
    canvas.removeEventFilter(&counter);
    std::printf("  (%lld paint events for %d moves, %.0f logical px each on average, of %d)\n", counter.paints, count,
                counter.paints ? double(counter.area) / counter.paints : 0.0, canvas.width() * canvas.height());
    return stats(times);
}

Stats fullRepaint(gui::MaskCanvas& canvas, int count) {
    std::vector<double> times;
    for (int i = 0; i < count; ++i) {
        const auto start = Clock::now();
        canvas.repaint();
        times.push_back(ms(Clock::now() - start));
    }
    return stats(times);
}

void undoMemory(gui::MaskDocument& document, int strokes) {
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> x(0, float(document.size().width()));
    std::uniform_real_distribution<float> y(0, float(document.size().height()));
    core::BrushParams params;
    params.radius = 40.0f;
    params.hardness = 0.5f;
    std::vector<double> times;
    for (int s = 0; s < strokes; ++s) {
        const auto start = Clock::now();
        core::BrushStroke stroke(document.mask(), params);
        cv::Point2f p(x(rng), y(rng));
        for (int i = 0; i < 20; ++i) {  // ~20 segments of up to 300 px: a long stroke
            stroke.addPoint(p, 1.0f);
            p += cv::Point2f(x(rng) / 20 - 150, y(rng) / 13 - 150);
        }
        document.pushEdit("stroke", stroke.finish());
        times.push_back(ms(Clock::now() - start));
    }
    const double strokesMb = document.undoBytes() / 1e6;
    const auto start = Clock::now();
    document.edit("invert", {}, core::invertMask);
    document.edit("feather", {}, [](cv::Mat& m) { core::featherMask(m, 8); });
    const double wholeMs = ms(Clock::now() - start) / 2;
    const double totalMb = document.undoBytes() / 1e6;
    const double maskMb = document.mask().total() / 1e6;
    row("brush stroke (core + undo)", std::to_string(strokes) + " strokes r=40", stats(times), "-");
    std::printf("| %-28s | %-22s | %8.1f MB total, %.0f KB/stroke; a full mask copy is %.0f MB %-3s |\n",
                "undo memory, 100 strokes", "tile deltas, RLE", strokesMb, strokesMb * 1000 / strokes, maskMb, "");
    std::printf("| %-28s | %-22s | %8.1f MB total (+ invert, feather), %.0f ms per whole-mask edit |\n",
                "undo memory, + whole edits", "", totalMb, wholeMs);
}

// One light change after another, each waited for until its frame is painted (the drag's worst case:
// no frame is dropped). The first frame after prepare is not counted.
Stats previewDrag(const cv::Mat& rgb, int frames) {
    gui::PreviewRenderer renderer;
    gui::CompareView view;
    view.resize(1000, 700);
    view.setBefore(gui::matToQImage(core::displayProxy(rgb)));
    view.show();
    bool ready = false;
    QObject::connect(&renderer, &gui::PreviewRenderer::previewReady, &view, [&](const QImage& frame) {
        view.setAfter(frame);
        view.repaint();  // paints now, as the next event-loop turn would
        ready = true;
    });
    bool prepared = false;
    QObject::connect(&renderer, &gui::PreviewRenderer::prepared, &view, [&] { prepared = true; });
    renderer.setSource(rgb, {});
    while (!prepared) QApplication::processEvents(QEventLoop::WaitForMoreEvents);
    std::vector<double> times;
    core::LightSettings light;
    for (int i = 0; i <= frames; ++i) {
        light.direction = core::LightDirection{double((i * 7) % 360), 20.0};
        ready = false;
        const auto start = Clock::now();
        renderer.requestRender(light);
        while (!ready) QApplication::processEvents(QEventLoop::WaitForMoreEvents);
        if (i > 0) times.push_back(ms(Clock::now() - start));
    }
    return stats(times);
}

}  // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const Options o = parse(argc, argv);

    std::printf("chiaro-canvas-bench: %dx%d photo, 1600x1000 canvas, Qt platform %s\n\n", o.width, o.height,
                qPrintable(QApplication::platformName()));
    auto t0 = Clock::now();
    gui::MaskDocument document;
    document.setPhoto(makePhoto(o.width, o.height));
    gui::MaskCanvas canvas(&document);
    canvas.resize(1600, 1000);
    canvas.show();
    QApplication::processEvents();
    std::printf("photo load + pyramid: %.0f ms\n\n", ms(Clock::now() - t0));

    std::printf("| %-28s | %-22s | %8s | %8s | %8s | %-10s |\n", "what", "view", "median", "p95", "max", "target");
    std::printf("|------------------------------|------------------------|----------|----------|----------|------------|\n");
    canvas.setBrushSize(60);
    canvas.fitToView();
    QApplication::processEvents();
    char zoom[64];
    std::snprintf(zoom, sizeof zoom, "fit (%.0f %%)", canvas.view().zoom() * 100);
    row("dab repaint (ms)", zoom, dabRepaint(canvas, o.dabs), "< 16 ms");
    row("full repaint (ms)", zoom, fullRepaint(canvas, 20), "-");
    canvas.setZoom(1.0, QPointF(800, 500));
    QApplication::processEvents();
    row("dab repaint (ms)", "100 %", dabRepaint(canvas, o.dabs), "< 16 ms");
    row("full repaint (ms)", "100 %", fullRepaint(canvas, 20), "-");
    canvas.setZoom(4.0, QPointF(800, 500));
    canvas.setBrushSize(20);
    QApplication::processEvents();
    row("dab repaint (ms)", "400 %", dabRepaint(canvas, o.dabs), "< 16 ms");

    document.undoStack()->clear();
    undoMemory(document, o.strokes);

    t0 = Clock::now();
    const cv::Mat subject = core::grabCutFromRect(document.rgb(), core::defaultSubjectRect(document.rgb().size()));
    std::printf("| %-28s | %-22s | %8.0f ms |\n", "GrabCut from a rectangle", "working size 1024 px", ms(Clock::now() - t0));
    const cv::Size proxy = core::displayProxySize(document.rgb().size());
    row("preview frame while dragging", "proxy " + std::to_string(proxy.width) + "x" + std::to_string(proxy.height),
        previewDrag(document.rgb(), 60), "< 33 ms");
    return subject.empty() ? 1 : 0;
}
