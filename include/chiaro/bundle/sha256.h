#pragma once
// SHA-256 (FIPS 180-4) for model bundle verification. Our own implementation so the core needs no
// crypto library; it is used for integrity checks against accidental corruption, not for security.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace chiaro::core {

// Streaming hasher: update() any number of times, then finish() once.
class Sha256 {
public:
    using Digest = std::array<uint8_t, 32>;

    Sha256();
    void update(const void* data, size_t size);
    void update(std::string_view bytes) { update(bytes.data(), bytes.size()); }
    Digest finish();
    std::string finishHex();  // lower-case hex, 64 characters

private:
    void processBlock(const uint8_t* block);

    std::array<uint32_t, 8> m_state;
    std::array<uint8_t, 64> m_buffer;
    size_t m_buffered = 0;
    uint64_t m_totalBytes = 0;
    bool m_finished = false;
};

std::string toHex(const Sha256::Digest& digest);

// Lower-case hex digest of `bytes`.
std::string sha256Hex(std::string_view bytes);

// Lower-case hex digest of a file, read in 1 MiB chunks (constant memory for multi-GB weights).
// Throws Error(BadInput) naming the path when the file cannot be opened or read.
std::string sha256File(const std::string& path);

}  // namespace chiaro::core
