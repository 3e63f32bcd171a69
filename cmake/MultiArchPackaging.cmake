# The helper as multiarch::multiarch in every way a consumer can get it, so that
# find_package, FetchContent and add_subdirectory users write identical code:
#   - in-tree (add_subdirectory, FetchContent): an ALIAS, and add_multiarch_image() defined;
#   - installed: MultiArchConfig.cmake + version file + exported target, and the module;
#   - this build tree as a package: -DMultiArch_DIR=<this build dir>, no install needed.
include(CMakePackageConfigHelpers)
include(GNUInstallDirs)

option(MULTIARCH_INSTALL "Install the multiarch helper and its CMake package"
       ${PROJECT_IS_TOP_LEVEL})
set(MULTIARCH_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/MultiArch" CACHE STRING
    "Where the MultiArch CMake package is installed, relative to the prefix")
mark_as_advanced(MULTIARCH_INSTALL_CMAKEDIR)

add_executable(multiarch::multiarch ALIAS multiarch)

set(_multiarch_package_dir "${PROJECT_BINARY_DIR}/package")
configure_package_config_file("${CMAKE_CURRENT_LIST_DIR}/MultiArchConfig.cmake.in"
                              "${_multiarch_package_dir}/MultiArchConfig.cmake"
                              INSTALL_DESTINATION "${MULTIARCH_INSTALL_CMAKEDIR}")
# The helper is an executable: a consumer of any architecture (or none: LANGUAGES NONE) can
# run it. 0.x versions are compatible within a minor version.
write_basic_package_version_file("${_multiarch_package_dir}/MultiArchConfigVersion.cmake"
                                 COMPATIBILITY SameMinorVersion ARCH_INDEPENDENT)

if(MULTIARCH_INSTALL)
  install(TARGETS multiarch EXPORT MultiArchTargets RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}")
  install(EXPORT MultiArchTargets NAMESPACE multiarch:: DESTINATION "${MULTIARCH_INSTALL_CMAKEDIR}")
  install(FILES "${_multiarch_package_dir}/MultiArchConfig.cmake"
                "${_multiarch_package_dir}/MultiArchConfigVersion.cmake"
                "${CMAKE_CURRENT_LIST_DIR}/MultiArch.cmake"
          DESTINATION "${MULTIARCH_INSTALL_CMAKEDIR}")
endif()

export(TARGETS multiarch NAMESPACE multiarch:: FILE "${PROJECT_BINARY_DIR}/MultiArchTargets.cmake")
# file(CONFIGURE) rewrites only on change: consumers re-run CMake only when it matters.
file(CONFIGURE OUTPUT "${PROJECT_BINARY_DIR}/MultiArchConfig.cmake" @ONLY CONTENT
     "# This build tree as a package: -DMultiArch_DIR=@PROJECT_BINARY_DIR@
include(\"\${CMAKE_CURRENT_LIST_DIR}/MultiArchTargets.cmake\")
include(\"@CMAKE_CURRENT_LIST_DIR@/MultiArch.cmake\")
")
configure_file("${_multiarch_package_dir}/MultiArchConfigVersion.cmake"
               "${PROJECT_BINARY_DIR}/MultiArchConfigVersion.cmake" COPYONLY)

include("${CMAKE_CURRENT_LIST_DIR}/MultiArch.cmake")
