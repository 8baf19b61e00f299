#pragma once
// Internal: zlib streams (RFC 1950) as PNG's iCCP, zTXt and iTXt chunks hold them.
#include <cstddef>
#include <string>
#include <string_view>

namespace chiaro::core {

// Inflates a complete zlib stream. Throws Error(BadInput, "corrupt zlib data") when the stream is
// broken or truncated, or "... inflates past N bytes" beyond `maxSize` (a zip bomb, not metadata).
std::string inflateZlib(std::string_view compressed, size_t maxSize);

// Deflates `bytes` into a zlib stream (default level). Throws Error(Failure) only if zlib fails.
std::string deflateZlib(std::string_view bytes);

}  // namespace chiaro::core
