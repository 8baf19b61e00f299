#include "image/tiff_tags.h"

namespace chiaro::core {
namespace {

constexpr uint16_t kTypeShort = 3;
constexpr uint16_t kTypeLong = 4;
constexpr size_t kEntrySize = 12;

struct Reader {
    std::string_view bytes;
    bool littleEndian = true;

    std::optional<uint32_t> read(size_t offset, size_t width) const {
        if (offset > bytes.size() || bytes.size() - offset < width) return std::nullopt;
        uint32_t value = 0;
        for (size_t i = 0; i < width; ++i) {
            const size_t index = littleEndian ? offset + width - 1 - i : offset + i;
            value = (value << 8) | static_cast<uint8_t>(bytes[index]);
        }
        return value;
    }
};

}  // namespace

bool hasTiffSignature(std::string_view tiff) {
    return tiff.substr(0, 4) == std::string_view("II*\0", 4) || tiff.substr(0, 4) == std::string_view("MM\0*", 4);
}

std::optional<uint32_t> readTiffTag(std::string_view tiff, uint16_t tag) {
    if (!hasTiffSignature(tiff)) return std::nullopt;
    const Reader r{tiff, tiff[0] == 'I'};
    const auto ifd = r.read(4, 4);
    if (!ifd) return std::nullopt;
    const auto count = r.read(*ifd, 2);
    if (!count) return std::nullopt;
    for (uint32_t i = 0; i < *count; ++i) {
        const size_t entry = static_cast<size_t>(*ifd) + 2 + i * kEntrySize;
        const auto entryTag = r.read(entry, 2);
        const auto type = r.read(entry + 2, 2);
        const auto valueCount = r.read(entry + 4, 4);
        if (!entryTag || !type || !valueCount) return std::nullopt;
        if (*entryTag != tag) continue;
        if (*valueCount != 1) return std::nullopt;
        // A single value sits left-justified in the 4-byte value field.
        if (*type == kTypeShort) return r.read(entry + 8, 2);
        if (*type == kTypeLong) return r.read(entry + 8, 4);
        return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace chiaro::core
