# Installs the multiarch build at BUILD_DIR into a fresh PREFIX (the find_package tests'
# fixture) and checks the package files are there.
#   cmake -DBUILD_DIR=<multiarch build> -DPREFIX=<scratch prefix> -P install_fixture.cmake
include("${CMAKE_CURRENT_LIST_DIR}/TestSupport.cmake")
file(REMOVE_RECURSE "${PREFIX}")
run("install into ${PREFIX}" COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}")
foreach(file IN ITEMS bin/multiarch lib/cmake/MultiArch/MultiArchConfig.cmake
                      lib/cmake/MultiArch/MultiArchConfigVersion.cmake
                      lib/cmake/MultiArch/MultiArchTargets.cmake lib/cmake/MultiArch/MultiArch.cmake)
  if(NOT EXISTS "${PREFIX}/${file}")
    message(FATAL_ERROR "the install has no ${file}")
  endif()
endforeach()
