# The Debian package: `cpack -G DEB` on the multiarch build, the .deb's metadata (declared
# runtime dependencies), its files unpacked into a scratch root with `dpkg -x` (standing in
# for `dpkg -i`: the root's usr/ is what /usr would be), the packaged multiarch run, and a
# fresh consumer configured against it that builds an image.
#   cmake -DBUILD_DIR=<multiarch build> -DSOURCE_DIR=<repo> -DWORK_DIR=<scratch>
#         -P package_test.cmake
include("${CMAKE_CURRENT_LIST_DIR}/TestSupport.cmake")
foreach(tool IN ITEMS cpack dpkg-deb dpkg-shlibdeps)
  find_program(found_${tool} ${tool})
  if(NOT found_${tool})
    message(FATAL_ERROR "${tool} is required: apt-get install cmake dpkg-dev")
  endif()
endforeach()
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}/deb" "${WORK_DIR}/root")

run("cpack -G DEB" COMMAND "${found_cpack}" -G DEB --config "${BUILD_DIR}/CPackConfig.cmake"
                           -B "${WORK_DIR}/deb")
file(GLOB debs "${WORK_DIR}/deb/multiarch_*.deb")
list(LENGTH debs count)
if(NOT count EQUAL 1)
  message(FATAL_ERROR "expected one multiarch_*.deb in ${WORK_DIR}/deb, found: ${debs}")
endif()
message(STATUS "package: ${debs}")

# Depends: what the binary links, as dpkg-shlibdeps found it.
run("dpkg-deb --field" COMMAND dpkg-deb --field "${debs}" Package Version Architecture Depends
    OUTPUT_VARIABLE fields)
message(STATUS "${fields}")
foreach(library IN ITEMS libfmt libssl libdeflate libzstd libstdc\\+\\+ libc6)
  if(NOT fields MATCHES "Depends:.*${library}")
    message(FATAL_ERROR "the package does not depend on ${library}:\n${fields}")
  endif()
endforeach()

# Debian policy 12.5: /usr/share/doc/multiarch/copyright, a plain file readable by all.
run("dpkg -c" COMMAND dpkg-deb --contents "${debs}" OUTPUT_VARIABLE contents)
if(NOT contents MATCHES "\n-rw-r--r-- [^\n]* \\./usr/share/doc/multiarch/copyright\n")
  message(FATAL_ERROR "the package has no /usr/share/doc/multiarch/copyright (mode 0644):\n"
                      "${contents}")
endif()

run("dpkg -x" COMMAND dpkg-deb -x "${debs}" "${WORK_DIR}/root")
set(root "${WORK_DIR}/root")
foreach(file IN ITEMS usr/bin/multiarch usr/lib/cmake/MultiArch/MultiArchConfig.cmake
                      usr/lib/cmake/MultiArch/MultiArchConfigVersion.cmake
                      usr/lib/cmake/MultiArch/MultiArchTargets.cmake
                      usr/lib/cmake/MultiArch/MultiArch.cmake usr/share/doc/multiarch/README.md
                      usr/share/doc/multiarch/docs/cmake.md usr/share/doc/multiarch/copyright
                      usr/share/bash-completion/completions/multiarch
                      usr/share/zsh/vendor-completions/_multiarch)
  if(NOT EXISTS "${root}/${file}")
    message(FATAL_ERROR "the package has no /${file}")
  endif()
endforeach()
run("multiarch --version" COMMAND "${root}/usr/bin/multiarch" --version OUTPUT_VARIABLE version)
if(NOT version MATCHES "^multiarch [0-9]+\\.[0-9]+\\.[0-9]+")
  message(FATAL_ERROR "unexpected --version answer: ${version}")
endif()
message(STATUS "${version}")

# A fresh consumer: find_package through the root's usr (what /usr is after `dpkg -i`),
# one image of the example service for the host's amd64.
set(consumer "${WORK_DIR}/consumer")
file(MAKE_DIRECTORY "${consumer}")
file(WRITE "${consumer}/CMakeLists.txt" "cmake_minimum_required(VERSION 3.25)
project(consumer LANGUAGES NONE)
find_package(MultiArch 0.1 REQUIRED)
message(STATUS \"MultiArch from \${MultiArch_DIR}\")
add_multiarch_image(SERVICE user MODULE_DIR \"${SOURCE_DIR}/examples/monorepo\"
                    PLATFORMS linux/amd64 VERSION pkg1)
")
run("configure the consumer" COMMAND "${CMAKE_COMMAND}" -S "${consumer}" -B "${consumer}/build"
    -G Ninja "-DCMAKE_PREFIX_PATH=${root}/usr" OUTPUT_VARIABLE configured)
if(NOT configured MATCHES "MultiArch from ${root}/usr/lib/cmake/MultiArch")
  message(FATAL_ERROR "find_package did not take the package's copy:\n${configured}")
endif()
# Ninja prints the steps' COMMENTs, not their commands: the commands are read from build.ninja.
file(READ "${consumer}/build/build.ninja" build_ninja)
string(FIND "${build_ninja}" "${root}/usr/bin/multiarch go-build" packaged_call)
if(packaged_call EQUAL -1)
  message(FATAL_ERROR "the consumer's build does not call the packaged multiarch "
                      "(${root}/usr/bin/multiarch); see ${consumer}/build/build.ninja")
endif()
run("build the consumer's image" COMMAND "${CMAKE_COMMAND}" --build "${consumer}/build"
    --target image-user OUTPUT_VARIABLE built)
if(NOT EXISTS "${consumer}/build/multiarch/user/oci/index.json")
  message(FATAL_ERROR "no image layout at ${consumer}/build/multiarch/user/oci")
endif()
message(STATUS "the consumer built ${consumer}/build/multiarch/user/oci with the packaged multiarch")
