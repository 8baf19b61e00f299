#include "image/tiff_tags.h"

namespace chiaro::core {
namespace {

constexpr uint16_t kTypeByte = 1;
constexpr uint16_t kTypeAscii = 2;
constexpr uint16_t kTypeShort = 3;
constexpr uint16_t kTypeLong = 4;
constexpr uint16_t kTypeUndefined = 7;
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

struct Entry {
    size_t offset;  // of the 12-byte IFD entry
    uint32_t type;
    uint32_t count;
};

std::optional<Entry> findEntry(const Reader& r, uint16_t tag) {
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
        if (*entryTag == tag) return Entry{entry, *type, *valueCount};
    }
    return std::nullopt;
}

}  // namespace

bool hasTiffSignature(std::string_view tiff) {
    return tiff.substr(0, 4) == std::string_view("II*\0", 4) || tiff.substr(0, 4) == std::string_view("MM\0*", 4);
}

std::optional<uint32_t> readTiffTag(std::string_view tiff, uint16_t tag) {
    if (!hasTiffSignature(tiff)) return std::nullopt;
    const Reader r{tiff, tiff[0] == 'I'};
    const auto entry = findEntry(r, tag);
    if (!entry || entry->count != 1) return std::nullopt;
    // A single value sits left-justified in the 4-byte value field.
    if (entry->type == kTypeShort) return r.read(entry->offset + 8, 2);
    if (entry->type == kTypeLong) return r.read(entry->offset + 8, 4);
    return std::nullopt;
}

std::optional<std::string_view> readTiffTagBytes(std::string_view tiff, uint16_t tag) {
    if (!hasTiffSignature(tiff)) return std::nullopt;
    const Reader r{tiff, tiff[0] == 'I'};
    const auto entry = findEntry(r, tag);
    if (!entry || (entry->type != kTypeByte && entry->type != kTypeAscii && entry->type != kTypeUndefined)) {
        return std::nullopt;
    }
    // Up to four bytes sit in the value field itself, more at the offset it holds.
    size_t start = entry->offset + 8;
    if (entry->count > 4) {
        const auto offset = r.read(entry->offset + 8, 4);
        if (!offset) return std::nullopt;
        start = *offset;
    }
    if (start > tiff.size() || tiff.size() - start < entry->count) return std::nullopt;
    return tiff.substr(start, entry->count);
}

}  // namespace chiaro::core
