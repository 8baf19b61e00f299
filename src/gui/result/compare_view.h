#pragma once
// Before/after view: the original on the left of a vertical wipe line, the result on the right.
// Drag anywhere to move the wipe; hold Space (or the middle mouse button) to see the whole original.
// With no result yet it shows the original alone; with no original, the result alone.
#include <QImage>
#include <QWidget>

#include "util/paint_timing.h"

namespace chiaro::gui {

class CompareView : public QWidget {
    Q_OBJECT
public:
    explicit CompareView(QWidget* parent = nullptr);

    void setBefore(const QImage& image);
    void setAfter(const QImage& image);  // the result, a live latent preview or the instant preview
    void setCaption(const QString& caption);
    // The next paint that shows an image logs `timing` (paint_timing.h).
    void timeNextPaint(PaintTimingPtr timing) { m_paintTiming.arm(std::move(timing)); }
    QImage before() const { return m_before; }
    QImage after() const { return m_after; }

    double wipe() const { return m_wipe; }  // 0 = all result, 1 = all original
    void setWipe(double wipe);
    bool showingOriginal() const { return m_holdOriginal; }
    // Where the images are drawn (letterboxed into the widget). Public for tests.
    QRectF imageRect() const;

    QSize sizeHint() const override { return {640, 480}; }

Q_SIGNALS:
    void wipeChanged(double wipe);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void keyReleaseEvent(QKeyEvent* event) override;

private:
    void wipeTo(double x);
    QSize contentSize() const;

    QImage m_before;
    QImage m_after;
    QString m_caption;
    double m_wipe = 0.5;
    bool m_holdOriginal = false;
    PaintTimingSlot m_paintTiming;
};

}  // namespace chiaro::gui
