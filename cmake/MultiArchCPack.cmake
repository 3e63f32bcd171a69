# The Debian package: `cpack -G DEB` in the build folder (or `cmake --build build --target
# package`) writes multiarch_<version>_<arch>.deb with /usr/bin/multiarch, the CMake package
# (/usr/lib/cmake/MultiArch: find_package(MultiArch) with no prefix), the docs
# (/usr/share/doc/multiarch, with the copyright file Debian policy asks for:
# cmake/debian/copyright) and the shell completions; its Depends come from
# dpkg-shlibdeps on the binary as built (libfmt, libssl, libdeflate, libzstd, libstdc++...).
# Included by the top-level CMakeLists.txt only (a consumer's add_subdirectory packs nothing).
if(NOT MULTIARCH_INSTALL)
  return()
endif()

install(FILES README.md DESTINATION "${CMAKE_INSTALL_DOCDIR}")
# Debian policy 12.5: every package has /usr/share/doc/<package>/copyright (plain text, 0644).
install(FILES cmake/debian/copyright DESTINATION "${CMAKE_INSTALL_DOCDIR}"
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
install(DIRECTORY docs/ DESTINATION "${CMAKE_INSTALL_DOCDIR}/docs" FILES_MATCHING PATTERN "*.md")

# Shell completions, written by the built helper from its own option tables.
set(_multiarch_completions "${PROJECT_BINARY_DIR}/completions")
add_custom_command(
  OUTPUT "${_multiarch_completions}/multiarch" "${_multiarch_completions}/_multiarch"
  COMMAND multiarch completion bash --output "${_multiarch_completions}/multiarch"
  COMMAND multiarch completion zsh --output "${_multiarch_completions}/_multiarch"
  DEPENDS multiarch
  COMMENT "Writing the bash and zsh completions (multiarch completion)"
  VERBATIM)
add_custom_target(multiarch_completions ALL
                  DEPENDS "${_multiarch_completions}/multiarch" "${_multiarch_completions}/_multiarch")
install(FILES "${_multiarch_completions}/multiarch"
        DESTINATION "${CMAKE_INSTALL_DATAROOTDIR}/bash-completion/completions")
install(FILES "${_multiarch_completions}/_multiarch"
        DESTINATION "${CMAKE_INSTALL_DATAROOTDIR}/zsh/vendor-completions")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME multiarch)
set(CPACK_PACKAGE_VENDOR "multiarch")
set(CPACK_PACKAGE_CONTACT "multiarch maintainers <multiarch@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "multiarch cross-compiles Go services with the host's Go for every target platform and
packages them into reproducible multi-platform OCI images, without compiling in
containers. It brings the CMake module add_multiarch_image() (find_package(MultiArch)),
the multiarch command (go-build, image, buildx, init, doctor) and bash and zsh
completions.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# What the commands run (not linked, so dpkg-shlibdeps cannot see them).
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "cmake (>= 3.25), ninja-build, golang-go | golang")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS
    "docker.io, qemu-user-static, crossbuild-essential-arm64, bubblewrap, skopeo")
include(CPack)
