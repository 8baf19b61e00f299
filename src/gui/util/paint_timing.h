#pragma once
// "How long until the user saw it": a request (open a photo, move the light) starts a timer, and the
// first paint of a widget that shows the outcome logs the elapsed time at debug level, so the app
// can be measured from its own log with --verbose (issue #20's messages: "photo shown N ms after
// open", "preview frame N ms"). One PaintTiming may be handed to several widgets (the canvas and the
// compare view both show a new photo): whichever paints first logs it, once.
#include <memory>
#include <string>

#include <QElapsedTimer>

namespace chiaro::gui {

class PaintTiming {
public:
    // `format` has one "{}" for the milliseconds, e.g. "preview frame {} ms".
    PaintTiming(std::string format, QElapsedTimer started) : m_format(std::move(format)), m_started(started) {}

    // Logs the time since the request on the first call; later calls do nothing. Returns whether
    // this call logged.
    bool painted();
    bool logged() const { return m_logged; }

private:
    std::string m_format;
    QElapsedTimer m_started;
    bool m_logged = false;
};
using PaintTimingPtr = std::shared_ptr<PaintTiming>;

// Held by a widget: arm() with the request's timing, then reportPaint() at the end of paintEvent.
class PaintTimingSlot {
public:
    void arm(PaintTimingPtr timing) { m_timing = std::move(timing); }
    void reportPaint() {
        if (m_timing) m_timing->painted();
        m_timing.reset();
    }

private:
    PaintTimingPtr m_timing;
};

}  // namespace chiaro::gui
