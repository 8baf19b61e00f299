#pragma once
// A bundle whose model load cannot finish for minutes, like a full bundle on a slow network disk:
// text_encoder.pt is a sparse file of many GiB with its true size in the manifest, so Engine::load
// (loadBundle → verifyBundleFiles) spends that time in one uninterruptible sha256 over it. A named
// pipe would not do: the loader refuses anything but regular files before it reads a byte.
#include <string>

namespace chiaro::test {

class SlowBundle {
  public:
    // Writes the bundle into `dir` (created), a synthetic one (tests/core/bundle) with the big
    // file.
    explicit SlowBundle(const std::string& dir);
    // Truncates the big file: the hash ends at its next read and the load fails ("size ..." or
    // "sha256 mismatch") at once, so an abandoned engine thread can finish.
    void release() const;
    const std::string& dir() const { return m_dir; }

  private:
    std::string m_dir;
    std::string m_bigFile;
};

}  // namespace chiaro::test
