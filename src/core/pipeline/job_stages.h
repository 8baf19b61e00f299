#pragma once
// The named stages of one engine job (text-encode, vae-encode, pass-1, vae-decode, resize, pass-2,
// finish, ...): each is logged at debug level as `stage NAME started` and `stage NAME done in N ms`
// (what `--verbose` shows), announced to RunHooks::onStageStart, and preceded by a cancel check.
// The stage running when an exception escapes names it in the error (Engine::run's boundary).
// Torch-free; private to the pipeline.
#include <chrono>
#include <functional>
#include <string>
#include <type_traits>

#include "chiaro/pipeline/engine.h"

namespace chiaro::core {

class JobStages {
  public:
    JobStages(const CancelToken& cancel, const RunHooks& hooks) : m_cancel(cancel), m_hooks(hooks) {}

    // Runs `fn` as stage `name`, which runs the bundle file `moduleFile` ("" when none).
    template <typename Fn>
    auto run(const std::string& name, const std::string& moduleFile, Fn&& fn) -> decltype(fn()) {
        begin(name, moduleFile);
        if constexpr (std::is_void_v<decltype(fn())>) {
            fn();
            end();
        } else {
            auto out = fn();
            end();
            return out;
        }
    }

    // Throws Error(Cancelled) when the token asks to stop now; stages call it inside long work.
    void checkpoint() const;
    std::function<void()> checkpointFunction() const {
        return [this] { checkpoint(); };
    }

    // The stage running now (or the last one begun, when an exception left it), and its module.
    const std::string& stage() const { return m_stage; }
    const std::string& moduleFile() const { return m_module; }

  private:
    void begin(const std::string& name, const std::string& moduleFile);
    void end();

    const CancelToken& m_cancel;
    const RunHooks& m_hooks;
    std::string m_stage;
    std::string m_module;
    std::chrono::steady_clock::time_point m_started;
};

}  // namespace chiaro::core
