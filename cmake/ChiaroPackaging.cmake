# `cmake --install` layout and the CPack .deb (README, Set-up command 3):
#   bin/chiaro, bin/chiaro-cli
#   share/chiaro/models/export.py + chiaro_export/*.py   (found by `models import` and Settings › Import…)
#   share/applications/chiaro.desktop                     (MimeType: "Open with Chiaro" for JPEG/PNG/WebP/TIFF)
#   share/icons/hicolor/scalable/apps/chiaro.svg
# The binaries' own targets add their install(TARGETS) rules; this file adds the rest and CPack.
include(GNUInstallDirs)

# Keep the link folders of non-system libraries (a LibTorch outside /usr) in the installed binaries.
set_target_properties(chiaro-cli PROPERTIES INSTALL_RPATH_USE_LINK_PATH ON)
if(CHIARO_BUILD_GUI)
    set_target_properties(chiaro PROPERTIES INSTALL_RPATH_USE_LINK_PATH ON)
endif()

install(FILES ${CMAKE_SOURCE_DIR}/models/export.py
        DESTINATION ${CMAKE_INSTALL_DATADIR}/chiaro/models
        PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
install(DIRECTORY ${CMAKE_SOURCE_DIR}/models/chiaro_export
        DESTINATION ${CMAKE_INSTALL_DATADIR}/chiaro/models
        FILES_MATCHING PATTERN "*.py" PATTERN "__pycache__" EXCLUDE)
if(CHIARO_BUILD_GUI)
    install(FILES ${CMAKE_SOURCE_DIR}/resources/chiaro.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
    install(FILES ${CMAKE_SOURCE_DIR}/resources/icons/chiaro.svg
            DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
endif()

set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "chiaro")
set(CPACK_PACKAGE_VENDOR "Chiaro")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Lighting-aware photo relighting studio (IC-Light on LibTorch)")
set(CPACK_PACKAGE_DESCRIPTION
    "Chiaro relights the subject of a photo with a movable light: paint or auto-select the subject, "
    "place the light, preview instantly without weights, then render with a C++ re-implementation of "
    "IC-Light (Stable Diffusion 1.5) on LibTorch. Includes chiaro-cli and the model exporter, which "
    "converts SD 1.5 and IC-Light weights (downloaded by the user) into Chiaro bundles.")
set(CPACK_PACKAGE_CONTACT "Chiaro developers <chiaro@example.org>")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "Chiaro developers <chiaro@example.org>")
set(CPACK_DEBIAN_PACKAGE_SECTION "graphics")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://github.com/lllyasviel/IC-Light")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)
# The exporter's Python dependencies; the binaries' library dependencies come from dpkg-shlibdeps.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "python3, python3-torch, python3-numpy")
find_program(CHIARO_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(CHIARO_DPKG_SHLIBDEPS)
    set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
else()
    message(STATUS "dpkg-shlibdeps not found: the .deb lists only the Python dependencies")
endif()
include(CPack)
