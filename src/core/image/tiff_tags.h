#pragma once
// Internal: reads one numeric tag of the first IFD of a TIFF structure (a .tif file, or the EXIF
// block of a JPEG, which is a TIFF structure too). Bounds checked; returns nullopt on anything odd.
#include <cstdint>
#include <optional>
#include <string_view>

namespace chiaro::core {

bool hasTiffSignature(std::string_view tiff);

// The value of `tag` when it is a single SHORT or LONG in IFD0.
std::optional<uint32_t> readTiffTag(std::string_view tiff, uint16_t tag);

// The raw bytes of `tag` in IFD0 when its type is BYTE, ASCII or UNDEFINED (an ICC profile, a
// description); a view into `tiff`. Nullopt when absent, of another type, or out of bounds.
std::optional<std::string_view> readTiffTagBytes(std::string_view tiff, uint16_t tag);

}  // namespace chiaro::core
