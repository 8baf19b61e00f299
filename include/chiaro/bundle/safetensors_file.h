#pragma once
// A read-only, torch-free view of a .safetensors file: an 8-byte little-endian header length, a
// JSON header {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}, then the
// raw little-endian tensor bytes. The file is memory-mapped and fully validated on open, so a view
// never points outside the mapping.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace chiaro::core {

enum class TensorDType { F32, F16, BF16, F64, I64, I32, I16, I8, U8, Bool };

const char* tensorDTypeName(TensorDType dtype);  // the safetensors spelling: "F32", "BOOL", ...
size_t tensorDTypeSize(TensorDType dtype);       // bytes per element

// One tensor's bytes inside the mapping. `data` stays valid while any SafetensorsFile sharing the
// mapping is alive. Bytes are little-endian and not necessarily aligned for the element type.
struct TensorView {
    std::string name;
    TensorDType dtype = TensorDType::F32;
    std::vector<int64_t> shape;
    const uint8_t* data = nullptr;
    size_t bytes = 0;

    int64_t numel() const;
};

class SafetensorsFile {
  public:
    // Maps and validates `path`: header length within the file, well-formed JSON object, known
    // dtypes, non-negative shapes, offsets inside the data area, byte size = prod(shape) *
    // itemsize, no two tensors overlapping. Throws Error(BadInput) naming the file (and the tensor,
    // when one is at fault); a missing or unreadable file is BadInput too.
    static SafetensorsFile open(const std::string& path);

    const std::string& path() const { return m_path; }
    std::vector<std::string> names() const;  // sorted
    bool contains(const std::string& name) const;
    // Throws Error(BadInput) naming the file and tensor when absent.
    TensorView get(const std::string& name) const;
    // The optional "__metadata__" string map.
    const std::map<std::string, std::string>& metadata() const { return m_metadata; }

  private:
    SafetensorsFile() = default;

    std::string m_path;
    std::shared_ptr<const void> m_mapping;  // owns the mmap; the views point into it
    std::map<std::string, TensorView> m_tensors;
    std::map<std::string, std::string> m_metadata;
};

}  // namespace chiaro::core
