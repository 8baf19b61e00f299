#include "job_stages.h"

#include "chiaro/core/logging.h"

namespace chiaro::core {

void JobStages::checkpoint() const {
    if (m_cancel.stopNow()) throw Error(ErrorCode::Cancelled, "cancelled during " + m_stage);
}

void JobStages::begin(const std::string& name, const std::string& moduleFile) {
    m_stage = name;
    m_module = moduleFile;
    checkpoint();
    m_started = std::chrono::steady_clock::now();
    coreLog().debug("stage {} started", name);
    if (m_hooks.onStageStart) m_hooks.onStageStart(name);
    checkpoint();  // a cancel sent while the stage was announced stops it before any work
}

void JobStages::end() {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - m_started);
    coreLog().debug("stage {} done in {} ms", m_stage, ms.count());
}

}  // namespace chiaro::core
