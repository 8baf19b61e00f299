#include "util/paint_timing.h"

#include "chiaro/core/logging.h"

namespace chiaro::gui {

bool PaintTiming::painted() {
    if (m_logged || !m_started.isValid()) return false;
    m_logged = true;
    // Whole milliseconds: finer figures would only be noise from the event loop's scheduling.
    std::string message = m_format;
    const size_t slot = message.find("{}");
    if (slot != std::string::npos) message.replace(slot, 2, std::to_string(m_started.elapsed()));
    core::namedLogger("gui")->debug("{}", message);
    return true;
}

}  // namespace chiaro::gui
