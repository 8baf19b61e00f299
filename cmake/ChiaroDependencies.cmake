# Finds Chiaro's fixed dependencies and wraps LibTorch in one INTERFACE target (chiaro::torch).
# Works with Debian's libtorch-dev (CPU) and with a CUDA LibTorch given by -DCMAKE_PREFIX_PATH
# (for example the one inside a pip torch: python -c 'import torch;print(torch.utils.cmake_prefix_path)').

find_package(Threads REQUIRED)
find_package(OpenCV REQUIRED COMPONENTS core imgproc imgcodecs)
find_package(spdlog REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
# Photo I/O (issue #17): LittleCMS for ICC colour conversion (no CMake package: pkg-config), libtiff
# (4.5 for TIFFOpenExt) for TIFF output.
find_package(PkgConfig REQUIRED)
pkg_check_modules(LCMS2 REQUIRED IMPORTED_TARGET lcms2)
find_package(TIFF 4.5 REQUIRED)

find_package(Torch REQUIRED)
set(CHIARO_TORCH_CUDA OFF)
if(TARGET torch_cuda OR TORCH_CUDA_LIBRARIES OR CAFFE2_USE_CUDA)
    set(CHIARO_TORCH_CUDA ON)
endif()
message(STATUS "Chiaro: LibTorch ${Torch_VERSION} from ${Torch_DIR} (CUDA: ${CHIARO_TORCH_CUDA})")

add_library(chiaro_torch INTERFACE)
add_library(chiaro::torch ALIAS chiaro_torch)
# Imported targets' include dirs are SYSTEM, so -Wall stays quiet about ATen headers.
target_link_libraries(chiaro_torch INTERFACE ${TORCH_LIBRARIES})
if(CHIARO_TORCH_CUDA)
    target_compile_definitions(chiaro_torch INTERFACE CHIARO_WITH_CUDA=1)
endif()

# The job queue (src/jobs) uses SQLite's C API; Qt is for the app (and its tests) only.
find_package(SQLite3 REQUIRED)
if(CHIARO_BUILD_GUI OR CHIARO_BUILD_TESTS)
    find_package(Qt6 REQUIRED COMPONENTS Core Gui Widgets Concurrent Test)
    message(STATUS "Chiaro: Qt ${Qt6_VERSION}")
endif()

# The Catch2 v2 that Debian ships.
if(CHIARO_BUILD_TESTS)
    find_package(Catch2 2 REQUIRED)
    include(Catch)
endif()
