#include "chiaro/bundle/safetensors_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

#include <nlohmann/json.hpp>

#include "chiaro/core/error.h"

namespace chiaro::core {
namespace {

// The safetensors format itself refuses headers above 100 MB; a larger length means a corrupt file.
constexpr uint64_t kMaxHeaderBytes = 100'000'000;
constexpr size_t kLengthBytes = 8;
const char* const kMetadataKey = "__metadata__";

struct DTypeEntry {
    TensorDType dtype;
    const char* name;
    size_t size;
};

constexpr DTypeEntry kDTypes[] = {
    {TensorDType::F32, "F32", 4},   {TensorDType::F16, "F16", 2}, {TensorDType::BF16, "BF16", 2},
    {TensorDType::F64, "F64", 8},   {TensorDType::I64, "I64", 8}, {TensorDType::I32, "I32", 4},
    {TensorDType::I16, "I16", 2},   {TensorDType::I8, "I8", 1},   {TensorDType::U8, "U8", 1},
    {TensorDType::Bool, "BOOL", 1},
};

[[noreturn]] void fail(const std::string& path, const std::string& problem) {
    throw Error(ErrorCode::BadInput, path + ": " + problem);
}

[[noreturn]] void failTensor(const std::string& path,
                             const std::string& name,
                             const std::string& problem) {
    fail(path, "tensor '" + name + "': " + problem);
}

const DTypeEntry* findDType(const std::string& name) {
    for (const auto& entry : kDTypes) {
        if (name == entry.name)
            return &entry;
    }
    return nullptr;
}

uint64_t readLittleEndian64(const uint8_t* bytes) {
    uint64_t value = 0;
    for (int i = 7; i >= 0; --i)
        value = (value << 8) | bytes[i];
    return value;
}

// prod(shape) * itemSize, or false on overflow.
bool byteCount(const std::vector<int64_t>& shape, size_t itemSize, uint64_t* out) {
    uint64_t total = itemSize;
    for (int64_t extent : shape) {
        const auto e = static_cast<uint64_t>(extent);
        if (e != 0 && total > std::numeric_limits<uint64_t>::max() / e)
            return false;
        total *= e;
    }
    *out = total;
    return true;
}

struct MappedBytes {
    std::shared_ptr<const void> owner;
    const uint8_t* data = nullptr;
    size_t size = 0;
};

MappedBytes mapFile(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        fail(path, std::string("cannot open: ") + std::strerror(errno));
    struct stat info {};
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
        ::close(fd);
        fail(path, "not a regular file");
    }
    MappedBytes mapped;
    mapped.size = static_cast<size_t>(info.st_size);
    if (mapped.size < kLengthBytes) {
        ::close(fd);
        fail(path, "too short for a safetensors file (" + std::to_string(mapped.size) + " bytes)");
    }
    void* address = ::mmap(nullptr, mapped.size, PROT_READ, MAP_PRIVATE, fd, 0);
    ::close(fd);  // the mapping keeps its own reference to the file
    if (address == MAP_FAILED)
        fail(path, std::string("cannot map: ") + std::strerror(errno));
    const size_t size = mapped.size;
    mapped.owner = std::shared_ptr<const void>(
        address, [size](const void* p) { ::munmap(const_cast<void*>(p), size); });
    mapped.data = static_cast<const uint8_t*>(address);
    return mapped;
}

nlohmann::json parseHeader(const std::string& path, const MappedBytes& mapped, size_t* dataStart) {
    const uint64_t headerBytes = readLittleEndian64(mapped.data);
    if (headerBytes > kMaxHeaderBytes || headerBytes > mapped.size - kLengthBytes) {
        fail(path, "header length " + std::to_string(headerBytes) +
                       " runs past the end of the file (" + std::to_string(mapped.size) +
                       " bytes)");
    }
    *dataStart = kLengthBytes + static_cast<size_t>(headerBytes);
    const auto* begin = reinterpret_cast<const char*>(mapped.data + kLengthBytes);
    nlohmann::json header;
    try {
        header = nlohmann::json::parse(begin, begin + headerBytes);
    } catch (const nlohmann::json::exception& e) {
        fail(path, std::string("malformed JSON header: ") + e.what());
    }
    if (!header.is_object())
        fail(path, "the JSON header is not an object");
    return header;
}

std::vector<int64_t> parseShape(const std::string& path,
                                const std::string& name,
                                const nlohmann::json& j) {
    if (!j.is_array())
        failTensor(path, name, "shape is not an array");
    std::vector<int64_t> shape;
    for (const auto& extent : j) {
        if (!extent.is_number_integer() || extent.get<int64_t>() < 0) {
            failTensor(path, name, "shape holds a negative or non-integer extent");
        }
        shape.push_back(extent.get<int64_t>());
    }
    return shape;
}

// Validates one header entry against the data area [dataStart, fileSize) and returns its view.
TensorView parseEntry(const std::string& path,
                      const std::string& name,
                      const nlohmann::json& entry,
                      const MappedBytes& mapped,
                      size_t dataStart) {
    if (!entry.is_object())
        failTensor(path, name, "entry is not an object");
    if (!entry.contains("dtype") || !entry["dtype"].is_string())
        failTensor(path, name, "no dtype");
    const std::string dtypeName = entry["dtype"].get<std::string>();
    const DTypeEntry* dtype = findDType(dtypeName);
    if (!dtype)
        failTensor(path, name, "unsupported dtype '" + dtypeName + "'");
    if (!entry.contains("shape"))
        failTensor(path, name, "no shape");
    TensorView view;
    view.name = name;
    view.dtype = dtype->dtype;
    view.shape = parseShape(path, name, entry["shape"]);

    const auto& offsets = entry.contains("data_offsets") ? entry["data_offsets"] : nlohmann::json();
    if (!offsets.is_array() || offsets.size() != 2 || !offsets[0].is_number_unsigned() ||
        !offsets[1].is_number_unsigned()) {
        failTensor(path, name, "data_offsets must be two non-negative integers");
    }
    const auto begin = offsets[0].get<uint64_t>();
    const auto end = offsets[1].get<uint64_t>();
    const uint64_t dataSize = mapped.size - dataStart;
    if (begin > end || end > dataSize) {
        failTensor(path, name,
                   "data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
                       "] fall outside the " + std::to_string(dataSize) + "-byte data area");
    }
    uint64_t expected = 0;
    if (!byteCount(view.shape, dtype->size, &expected) || expected != end - begin) {
        failTensor(path, name,
                   std::to_string(end - begin) + " bytes do not hold its shape of " + dtypeName +
                       " (" + std::to_string(expected) + " bytes)");
    }
    view.data = mapped.data + dataStart + begin;
    view.bytes = static_cast<size_t>(end - begin);
    return view;
}

std::map<std::string, std::string> parseMetadata(const std::string& path, const nlohmann::json& j) {
    if (!j.is_object())
        fail(path, "__metadata__ is not an object");
    std::map<std::string, std::string> metadata;
    for (const auto& [key, value] : j.items()) {
        if (!value.is_string())
            fail(path, "__metadata__ value '" + key + "' is not a string");
        metadata[key] = value.get<std::string>();
    }
    return metadata;
}

void checkNoOverlap(const std::string& path, const std::map<std::string, TensorView>& tensors) {
    std::vector<const TensorView*> sorted;
    for (const auto& [name, view] : tensors) {
        if (view.bytes > 0)
            sorted.push_back(&view);  // empty tensors occupy no bytes
    }
    std::sort(sorted.begin(), sorted.end(),
              [](const TensorView* a, const TensorView* b) { return a->data < b->data; });
    for (size_t i = 1; i < sorted.size(); ++i) {
        const TensorView& previous = *sorted[i - 1];
        if (sorted[i]->data < previous.data + previous.bytes) {
            failTensor(path, sorted[i]->name, "its bytes overlap those of '" + previous.name + "'");
        }
    }
}

}  // namespace

const char* tensorDTypeName(TensorDType dtype) {
    for (const auto& entry : kDTypes) {
        if (entry.dtype == dtype)
            return entry.name;
    }
    return "?";
}

size_t tensorDTypeSize(TensorDType dtype) {
    for (const auto& entry : kDTypes) {
        if (entry.dtype == dtype)
            return entry.size;
    }
    return 0;
}

int64_t TensorView::numel() const {
    int64_t count = 1;
    for (int64_t extent : shape)
        count *= extent;
    return count;
}

SafetensorsFile SafetensorsFile::open(const std::string& path) {
    const MappedBytes mapped = mapFile(path);
    size_t dataStart = 0;
    const nlohmann::json header = parseHeader(path, mapped, &dataStart);

    SafetensorsFile file;
    file.m_path = path;
    file.m_mapping = mapped.owner;
    for (const auto& [name, entry] : header.items()) {
        if (name == kMetadataKey) {
            file.m_metadata = parseMetadata(path, entry);
            continue;
        }
        file.m_tensors.emplace(name, parseEntry(path, name, entry, mapped, dataStart));
    }
    checkNoOverlap(path, file.m_tensors);
    return file;
}

std::vector<std::string> SafetensorsFile::names() const {
    std::vector<std::string> out;
    out.reserve(m_tensors.size());
    for (const auto& [name, view] : m_tensors)
        out.push_back(name);
    return out;
}

bool SafetensorsFile::contains(const std::string& name) const {
    return m_tensors.count(name) > 0;
}

TensorView SafetensorsFile::get(const std::string& name) const {
    const auto it = m_tensors.find(name);
    if (it == m_tensors.end())
        fail(m_path, "no tensor named '" + name + "'");
    return it->second;
}

}  // namespace chiaro::core
