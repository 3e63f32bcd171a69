#[=======================================================================[.rst:
MultiArch
---------

Multi-platform container images of Go services as CMake targets. Every Go binary is a
real node of the build graph with the exact depfile ``multiarch go-build`` writes, so a
build where nothing changed runs no ``go``, no ``docker`` and no image step.

The module comes with the ``multiarch`` helper and is obtained through ``find_package`` (the
Debian package, an install, or a build tree), ``add_subdirectory`` or ``FetchContent``; the
code that declares images is the same in all of them:

.. code-block:: cmake

  cmake_minimum_required(VERSION 3.25)
  project(shop LANGUAGES NONE)          # no compiler needed

  find_package(MultiArch 0.1 REQUIRED)  # an installed copy, or:
  # add_subdirectory(third_party/multiarch)
  # include(FetchContent)
  # FetchContent_Declare(multiarch GIT_REPOSITORY <url> GIT_TAG <tag>)  # or SOURCE_DIR <path>
  # FetchContent_MakeAvailable(multiarch)

  add_multiarch_image(SERVICE user PORTS 8080)
  add_multiarch_image(SERVICE order PLATFORMS linux/amd64 linux/arm/v7)

.. code-block:: sh

  cmake -S . -B build -G Ninja
  cmake --build build --target image-user      # binaries + OCI layout
  cmake --build build --target load-user       # host platform into Docker
  cmake --build build --target push-images     # every image to MULTIARCH_REGISTRY

.. command:: add_multiarch_image

  Declares the targets that build one service's binaries and image::

    add_multiarch_image(SERVICE <name>
                        [PLATFORMS <spec>...]
                        [PACKAGE <go package>]
                        [MODULE_DIR <dir>]
                        [VERSION <version>]
                        [REGISTRY <host[:port]>]
                        [REPOSITORY <repository>]
                        [TAGS <tag>...]
                        [DOCKERFILE <file>]
                        [BASE <oci layout dir | image>]
                        [ENTRYPOINT <arg>...]
                        [PORTS <port[/tcp|/udp]>...]
                        [ENV <key=value>...]
                        [LABELS <key=value>...]
                        [FILES <src:dest[:mode]>...]
                        [TZ <zone>]
                        [CA_CERTS]
                        [LDFLAGS <flag>...]
                        [GO_TAGS <tag>...]
                        [GO_BUILD_GROUP <name>]
                        [CGO]
                        [BUILDER <buildx builder>]
                        [SBOM <ON|OFF>] [PROVENANCE <ON|OFF>]
                        [METADATA_FILE <path>]
                        [TEST [ARGS <arg>...] [EXPECT_OUTPUT <regex>]
                              [HTTP_GET <path> PORT <port>] [TIMEOUT <seconds>]])

  ``SERVICE <name>``
    Required. The service and binary name: lower-case letters and digits with single
    ``.``, ``_`` or ``-`` between them, at most 128 characters (``[a-z0-9]+([._-][a-z0-9]+)*``:
    an image repository path component that is also a plain file name). Names the targets
    below. The helper applies the same rule to ``--name`` of ``go-build``, ``image
    assemble`` and ``buildx`` (``src/util/service_name.hpp``; one set of test vectors,
    ``tests/service_names.txt``).

  ``PLATFORMS <spec>...``
    Platforms to build, in any form ``multiarch platform normalize`` takes: ``linux/arm/v7``,
    ``armhf``, ``aarch64``, comma lists, presets (``common``, ``all-arm``, ``all``).
    Default: :variable:`MULTIARCH_PLATFORMS`. Checked when CMake configures: an invalid
    spec, or a GOOS/GOARCH pair the Go toolchain cannot build, is a configure error naming
    it. Duplicates after normalization are dropped.

  ``PACKAGE <go package>``
    The main package. Default: ``./application/<name>/cmd/<name>`` when that folder exists
    in the module, else ``./cmd/<name>``. A relative package (``./...``) must be a folder.

  ``MODULE_DIR <dir>``
    Where ``go.mod`` is. Default: the folder of the calling ``CMakeLists.txt``.

  ``VERSION <version>``
    Injected as ``-X main.Version=<version>`` and recorded in the image annotations.
    Default: :variable:`MULTIARCH_VERSION`.

  ``REGISTRY <host>``, ``REPOSITORY <repository>``, ``TAGS <tag>...``
    Where ``push-<name>`` pushes: ``<registry>/<repository>:<tag>`` for each tag.
    Defaults: :variable:`MULTIARCH_REGISTRY`, the service name, and the version (with
    characters a tag cannot hold replaced by ``-``). The first tag is recorded in the OCI
    layout as ``org.opencontainers.image.ref.name``.

  ``DOCKERFILE <file>``
    Package with ``docker buildx`` and this Dockerfile (its context holds only the
    prebuilt binaries under their slugs and ``FILES``) instead of writing the image
    directly. Either way the result is an OCI layout in the build tree.

  ``BASE <layout or image>``
    A base image: an OCI image layout folder for the built-in (``oci``) backend, an image
    reference for the generated Dockerfile of the ``buildx`` backend.

  ``SBOM <ON|OFF>``, ``PROVENANCE <ON|OFF>``, ``METADATA_FILE <path>``
    Supply chain (docs/supply-chain.md): the SBOM and SLSA provenance attestations are on
    by default for both backends (with ``buildx``, multiarch's own deterministic ones on the
    layout it writes, not BuildKit's); the metadata JSON (digests,
    sizes) goes to ``METADATA_FILE`` (default in the build tree), recorded in the target
    property ``MULTIARCH_METADATA_FILE``. ``MULTIARCH_SIGN_KEY`` makes ``push-<name>`` sign
    with cosign.

  ``ENTRYPOINT``, ``PORTS``, ``ENV``, ``LABELS``, ``FILES``, ``TZ``, ``CA_CERTS``
    Image settings, passed to ``multiarch image assemble`` (``--entrypoint``, ``--port``,
    ``--env``, ``--label``, ``--file``, ``--tz``, ``--ca-certs``). Relative ``FILES``
    sources are relative to the calling ``CMakeLists.txt``; they, the time zone file and
    the CA bundle are dependencies of the image step.

  ``LDFLAGS <flag>...``, ``GO_TAGS <tag>...``, ``CGO``
    Passed to ``multiarch go-build`` (``--ldflags``, ``--tags``, ``--cgo``).

  ``GO_BUILD_GROUP <name>``
    The services of one Go module with the same go, ``VERSION``, ``LDFLAGS``, ``GO_TAGS``
    and ``CGO`` are built together: one ``multiarch go-build`` per platform runs one
    ``go build`` for all of their stale binaries (and one ``go list`` for their depfiles),
    which loads the package graph once per platform instead of once per service. Each
    binary keeps its own stamp, so an edit of one service relinks no other, and an image
    whose binary did not change does not run again. The price: building one service's
    target also builds the other stale binaries of its group. A ``GO_BUILD_GROUP`` name
    splits the services into groups by that name (``GO_BUILD_GROUP ${SERVICE}``: one group
    per service, as a targeted build of one service in a large repository may prefer).

  ``BUILDER <name>``
    The buildx builder for the ``buildx`` backend.

  ``TEST [ARGS <arg>...] [EXPECT_OUTPUT <regex>] [HTTP_GET <path> PORT <port>] [TIMEOUT <s>]``
    Run the image before it ships: ``multiarch image test`` starts each platform's image
    from its own layers in a bubblewrap sandbox, under QEMU on the platform's minimum CPU
    (an ARM1176 for ``linux/arm/v6``, an Opteron G1 for ``linux/amd64``, also on this
    host), and checks it (``docs/test.md``). ``TEST`` alone expects the entrypoint to exit
    with 0. ``ARGS`` replace the image's ``Cmd``; ``EXPECT_OUTPUT`` is an ECMAScript regular
    expression the output must contain; ``HTTP_GET`` and ``PORT`` test a server instead:
    ``GET http://127.0.0.1:<port><path>`` must answer 2xx once it listens (tests that
    probe the same port never run at once); ``TIMEOUT`` is per platform (default 300
    seconds). Adds one CTest test per platform, ``multiarch.<name>.<slug>`` with the labels
    ``multiarch`` and ``<name>`` (``ctest -L multiarch`` tests every image, ``ctest -L
    <name>`` one), and the target ``test-<name>``. Both test the image the build wrote
    last (``images`` is part of ``all``; ``test-<name>`` builds it first) and record each
    platform's pass for the image's digest in ``multiarch/<name>/tested/``, which
    :variable:`MULTIARCH_PUSH_REQUIRES_TEST` checks. ``ARGS`` end at the next keyword of
    ``add_multiarch_image`` (``PORTS``, ``ENV``, ...). CTest finds the tests only when
    testing is enabled in the top-level ``CMakeLists.txt`` and in the folder of the call
    (``enable_testing()`` or ``include(CTest)``, before the ``add_subdirectory()`` of that
    folder). The module cannot do it for you (``enable_testing()`` called in a function is
    lost when the function returns); at the end of the top-level folder it warns, naming
    the services whose tests CTest would not find, unless ``BUILD_TESTING`` is ``OFF``.

  Targets, each named after the service:

  ``go-<name>-<slug>``
    The binary for one platform, e.g. ``go-user-linux_arm_v7``. It builds the node of its
    go-build group for that platform (``multiarch-go-<group>-<slug>``, see
    ``GO_BUILD_GROUP``), whose depfiles list every input of every binary of the group; each
    binary's own stamp keeps rebuilds exact, and platforms build in parallel under ``-j``.
  ``go-<name>``
    Every platform's binary.
  ``layer-<name>-<slug>``
    ``oci`` backend: one platform's layer (its binary and the ``FILES``, ``TZ`` and
    ``CA_CERTS`` files, compressed), e.g. ``layer-user-linux_arm_v7``. It depends on that
    platform's binary only, so under ``-j`` a platform's layer is compressed while other
    platforms still link (``multiarch image layer``); its ``DEPFILE`` lists the binary and
    every ``FILES`` file and folder.
  ``image-<name>``
    The binaries and the multi-platform image, an OCI image layout in the build tree.
    The image step depends on the binaries (``oci``: on the records of the layers, which
    change only when a layer does) and links the layers the layer targets stored instead of
    compressing them again: when nothing changed, nothing runs.
  ``load-<name>``
    Loads the build host's platform of the image into the local Docker engine.
  ``push-<name>``
    Pushes the image (every platform, digests preserved) to each ``REGISTRY/REPOSITORY:TAG``.
    With :variable:`MULTIARCH_PUSH_REQUIRES_TEST`, only an image whose ``TEST`` passed on
    every platform for its current digest.
  ``test-<name>``
    With ``TEST``: the image, then ``multiarch image test`` on every platform.

  And once per project: ``images`` (every ``image-<name>``, part of ``all``),
  ``push-images`` and, with ``TEST``, ``test-images``.

  Files: the binaries under ``<CMAKE_BINARY_DIR>/multiarch/go/<group>/bin/<slug>/<name>``
  (as ``multiarch go-build`` lays them out; one folder per go-build group); under
  ``<CMAKE_CURRENT_BINARY_DIR>/multiarch/<name>/``: ``layers/<slug>/`` (``oci``: each
  platform's layer store, whose ``layer.json`` names its layer) and ``oci/`` (the image
  layout).
  Shared by every image of the build folder: ``<CMAKE_BINARY_DIR>/multiarch/toolchain/``,
  what ``go env`` and ``go tool dist list`` said (``go-build --toolchain-cache``), asked
  once per toolchain and module instead of once per binary: a ``multiarch-toolchain-<hash>``
  target (``go-build --toolchain-only``) fills it before the first go-build starts.
  The same paths are on ``image-<name>`` as the target properties
  ``MULTIARCH_BINARIES_DIR`` and ``MULTIARCH_LAYOUT_DIR``, with ``MULTIARCH_PLATFORMS``
  (normalized), ``MULTIARCH_IMAGE_REFERENCES`` and ``MULTIARCH_METADATA_FILE`` (the image
  step's metadata JSON: ``metadata.json`` there, or ``METADATA_FILE``).

Cache variables
^^^^^^^^^^^^^^^

.. variable:: MULTIARCH_PLATFORMS

  Default platforms of every image: ``linux/amd64;linux/arm64``. One cache variable per
  platform set makes CI matrices simple: ``-DMULTIARCH_PLATFORMS=linux/arm64``.

.. variable:: MULTIARCH_REGISTRY

  Default registry of every image (``host[:port]``, may carry a path prefix). Empty: the
  environment variable ``MULTIARCH_REGISTRY`` when CMake configures (what a CI job sets),
  else ``push-<name>`` fails with a message saying to set it. A ``-D`` value stays in the
  cache; the environment never overrides it.

.. variable:: MULTIARCH_SIGN_KEY

  A cosign private key: ``push-<name>`` then signs every pushed manifest, the index and the
  SBOM and provenance (``multiarch image push --sign-key``; the key's password from
  ``COSIGN_PASSWORD`` in the build's environment). Empty (default): no signing.

.. variable:: MULTIARCH_VERSION

  Default version of every service. Empty: the environment variable ``MULTIARCH_VERSION``
  when CMake configures, else ``git describe --tags --always --dirty`` of the module folder
  (``dev`` outside git). It is read at configure time,
  so a build where nothing changed never runs git; re-run CMake, or set it, in release jobs.

.. variable:: MULTIARCH_GO_EXECUTABLE

  The ``go`` that builds the binaries (found on ``PATH``, ``$GOROOT/bin`` or
  ``/usr/local/go/bin``).

.. variable:: MULTIARCH_BACKEND

  ``auto`` (default: ``buildx`` for images with a ``DOCKERFILE``, else ``oci``), ``oci``
  (the image is written by ``multiarch image assemble``, no daemon) or ``buildx`` (every
  image through ``docker buildx``, with a generated Dockerfile where none is given).

.. variable:: MULTIARCH_PUSH_REQUIRES_TEST

  ``OFF`` by default. ``ON``: ``push-<name>`` refuses to push an image unless every one of
  its platforms passed its ``TEST`` (a CTest run or ``test-<name>``) for the image's current
  index digest (``multiarch image push --require-tested``); a rebuilt image must be tested
  again, and a later failure takes an earlier pass back. Changing the registry
  (:variable:`MULTIARCH_REGISTRY`, ``REGISTRY``) changes the digest too, since the reference
  names the SBOM and provenance (on by default): test again after it. An image without
  ``TEST`` cannot be pushed then. A release job sets it: ``cmake --build build && ctest
  --test-dir build -L multiarch && cmake --build build --target push-images``.

.. variable:: MULTIARCH_HELPER_LAUNCHER

  A command prefixed to every ``multiarch`` helper call of the build, e.g. a wrapper that
  logs or times the calls (the tests count calls with it). Empty by default.

.. variable:: MULTIARCH_COMPRESSION

  How the ``oci`` backend compresses image layers: ``gzip`` (default; every registry and
  Docker Engine reads it), ``zstd`` (Docker Engine 23 and later) or ``none``. Not used by the
  ``buildx`` backend.

.. variable:: MULTIARCH_COMPRESSION_LEVEL

  The level for ``MULTIARCH_COMPRESSION``: gzip 1-12, zstd 1-19; empty (default) is the
  helper's (gzip 6, zstd 3). Layer compression is most of a cold build's image work: on the
  benchmark's 14 MB Go binaries gzip level 1 takes about 0.7x the CPU of level 6 for layers
  about 8% larger (docs/benchmarks.md). Part of every layer's cache key, so a change rebuilds
  the layers.

.. variable:: MULTIARCH_DEPFILE_SHARDS

  Ninja only: how many depfiles list the inputs of one go-build group for one platform
  (16 by default). Ninja 1.11 checks each entry of a depfile against all earlier entries of
  the same file, so one file of 6,000 inputs (a 1,000-package monorepo) costs tens of
  milliseconds on every no-op; the inputs are split by a hash of their path over this many
  small files instead. Each shard is a tiny node that runs only when one of its inputs
  changed. 1 keeps a single file; at most 1024. Checked with every generator (configuring
  fails on a value outside 1 to 1024); other generators use one file.

Configure-time platform checks
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^

``PLATFORMS`` are normalized when CMake configures, because the per-platform targets and
file names come from them: the helper answers each platform with its slug and binary
suffix (``multiarch platform normalize --slugs``), one call per distinct ``PLATFORMS``
value. With ``find_package`` the installed ``multiarch`` answers. With ``add_subdirectory``
or ``FetchContent`` the helper is a target of the same build and does not exist yet, so the
module compiles the helper's own platform engine (``src/platform/platform.cpp``, the same
source) into a small program under ``<build>/_multiarch/bootstrap`` once, and asks it: the
same answers and error messages, at the cost of one small compile on the first configure.
The GOOS/GOARCH pair is then checked against ``go tool dist list`` of
:variable:`MULTIARCH_GO_EXECUTABLE`. What needs a build to know (a level variable newer
than the Go toolchain, a missing cgo cross compiler) is reported by ``multiarch go-build``
when it runs.
#]=======================================================================]

include_guard(GLOBAL)

# Functions keep the policies in effect where they are defined: CMP0116 NEW (depfile paths
# rewritten for Ninja) whatever the consumer's cmake_minimum_required says; only the group
# input depfiles, written by another node than the one that reads them, set it OLD.
cmake_policy(PUSH)
cmake_policy(VERSION 3.25)

set_property(GLOBAL PROPERTY _MULTIARCH_MODULE_DIR "${CMAKE_CURRENT_LIST_DIR}")

set(MULTIARCH_PLATFORMS "linux/amd64;linux/arm64" CACHE STRING
    "Default platforms of add_multiarch_image() (specs, comma lists or presets)")
set(MULTIARCH_REGISTRY "" CACHE STRING "Default registry that push-<service> pushes to")
set(MULTIARCH_SIGN_KEY "" CACHE FILEPATH
    "cosign private key push-<service> signs with (password: COSIGN_PASSWORD); empty: no signing")
set(MULTIARCH_VERSION "" CACHE STRING
    "Version of the services (empty: git describe of the module when CMake configures)")
set(MULTIARCH_BACKEND "auto" CACHE STRING "How images are packaged: auto, oci or buildx")
set_property(CACHE MULTIARCH_BACKEND PROPERTY STRINGS auto oci buildx)
set(MULTIARCH_PUSH_REQUIRES_TEST OFF CACHE BOOL
    "push-<service> refuses an image whose TEST did not pass for its current digest")
set(MULTIARCH_HELPER_LAUNCHER "" CACHE STRING
    "Command prefixed to every multiarch helper call of the build (for logging or timing)")
set(MULTIARCH_COMPRESSION "gzip" CACHE STRING
    "Layer compression of the oci backend: gzip, zstd or none")
set_property(CACHE MULTIARCH_COMPRESSION PROPERTY STRINGS gzip zstd none)
set(MULTIARCH_COMPRESSION_LEVEL "" CACHE STRING
    "Layer compression level: gzip 1-12, zstd 1-19 (empty: gzip 6, zstd 3)")
set(MULTIARCH_DEPFILE_SHARDS 16 CACHE STRING
    "Ninja: files the inputs of each go-build group are listed in, per platform")
find_program(MULTIARCH_GO_EXECUTABLE NAMES go HINTS ENV GOROOT PATH_SUFFIXES bin
             PATHS /usr/local/go/bin DOC "The go that builds the services")

# Stops configuring with one message naming the service; the message may come in pieces.
function(_multiarch_fail context)
  string(JOIN "" message ${ARGN})
  message(FATAL_ERROR "add_multiarch_image(${context}): ${message}")
endfunction()

# cmake_parse_arguments() files an unknown keyword after a multi-value keyword as one more
# value ("PLATFORMS linux/amd64 PUSH" reads as two platforms). Values shaped like keywords
# are reported as what they most likely are.
function(_multiarch_reject_keyword_like_values context keyword)
  foreach(value IN LISTS ARGN)
    if(value MATCHES "^[A-Z][A-Z0-9_]+$")
      _multiarch_fail("${context}" "unknown keyword \"${value}\" (read as a value of ${keyword})")
    endif()
  endforeach()
endfunction()

# Unix Makefiles (CMake 3.20 to at least 3.25) merge a custom command's DEPFILE into
# CMakeFiles/<target>.dir/compiler_depend.internal by appending: a file the depfile no longer
# lists (a removed FILES file, a deleted .go file) stays there with an empty rule, and make
# then re-runs the command on every build. Removing that file after the command makes the
# next build read the current depfile alone. Sets `out_var` to the COMMAND words, or to
# nothing for other generators.
function(_multiarch_forget_depfile_command target out_var)
  set(command "")
  if(CMAKE_GENERATOR MATCHES "Makefiles")
    set(command COMMAND "${CMAKE_COMMAND}" -E rm -f
        "${CMAKE_CURRENT_BINARY_DIR}/CMakeFiles/${target}.dir/compiler_depend.internal")
  endif()
  set(${out_var} ${command} PARENT_SCOPE)
endfunction()

# Sets out_var to the command that touches a stamp. Every node of a cold build touches one
# (the shard nodes, 16 per go-build group and platform, do nothing else): the system's touch
# starts in about 2 ms, `cmake -E touch` in about 20.
function(_multiarch_touch_command out_var)
  get_property(touch GLOBAL PROPERTY _MULTIARCH_TOUCH)
  if(NOT touch)
    find_program(touch_program touch NO_CACHE)
    if(touch_program)
      set(touch "${touch_program}")
    else()
      set(touch "${CMAKE_COMMAND}" -E touch)
    endif()
    set_property(GLOBAL PROPERTY _MULTIARCH_TOUCH "${touch}")
  endif()
  set(${out_var} ${touch} PARENT_SCOPE)
endfunction()

function(_multiarch_write_if_changed path content)
  if(EXISTS "${path}")
    file(READ "${path}" old)
    if(old STREQUAL content)
      return()
    endif()
  endif()
  file(WRITE "${path}" "${content}")
endfunction()

# The program that answers `platform normalize` while CMake configures (see the doc block).
function(_multiarch_configure_time_helper context out_var)
  get_property(helper GLOBAL PROPERTY _MULTIARCH_CONFIGURE_HELPER)
  if(helper)
    set(${out_var} "${helper}" PARENT_SCOPE)
    return()
  endif()
  if(NOT TARGET multiarch::multiarch)
    _multiarch_fail("${context}" "the multiarch::multiarch helper target does not exist; "
                    "use find_package(MultiArch), add_subdirectory or FetchContent rather "
                    "than including MultiArch.cmake alone")
  endif()
  get_target_property(aliased multiarch::multiarch ALIASED_TARGET)
  if(NOT aliased)
    get_target_property(helper multiarch::multiarch LOCATION)
    if(NOT EXISTS "${helper}")
      _multiarch_fail("${context}" "the multiarch helper ${helper} does not exist: build "
                      "(or install) multiarch before configuring this project")
    endif()
  else()
    _multiarch_bootstrap_platform_engine("${context}" helper)
  endif()
  set_property(GLOBAL PROPERTY _MULTIARCH_CONFIGURE_HELPER "${helper}")
  set(${out_var} "${helper}" PARENT_SCOPE)
endfunction()

# In-tree (add_subdirectory, FetchContent): compile the helper's platform engine alone, once
# per build tree; later configures only check it is up to date.
function(_multiarch_bootstrap_platform_engine context out_var)
  get_property(module_dir GLOBAL PROPERTY _MULTIARCH_MODULE_DIR)
  set(source_dir "${module_dir}/bootstrap")
  set(binary_dir "${CMAKE_BINARY_DIR}/_multiarch/bootstrap")
  if(NOT EXISTS "${binary_dir}/CMakeCache.txt")
    message(STATUS "MultiArch: compiling the platform engine to check PLATFORMS at configure time")
    set(args -S "${source_dir}" -B "${binary_dir}" -G "${CMAKE_GENERATOR}"
             "-DMULTIARCH_SOURCE_DIR=${module_dir}/..")
    foreach(var IN ITEMS CMAKE_MAKE_PROGRAM CMAKE_CXX_COMPILER CMAKE_PREFIX_PATH fmt_DIR)
      if(DEFINED ${var} AND NOT "${${var}}" STREQUAL "")
        list(APPEND args "-D${var}=${${var}}")
      endif()
    endforeach()
    execute_process(COMMAND "${CMAKE_COMMAND}" ${args} RESULT_VARIABLE rc
                    OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(NOT rc EQUAL 0)
      file(REMOVE "${binary_dir}/CMakeCache.txt")
      _multiarch_fail("${context}" "configuring the platform engine failed:\n${out}")
    endif()
  endif()
  execute_process(COMMAND "${CMAKE_COMMAND}" --build "${binary_dir}" RESULT_VARIABLE rc
                  OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    _multiarch_fail("${context}" "compiling the platform engine failed:\n${out}")
  endif()
  set(${out_var} "${binary_dir}/multiarch-platform" PARENT_SCOPE)
endfunction()

# Normalizes specs (lists, comma lists, presets) into unique os/arch[/variant] values, and
# takes each one's slug and binary suffix from the helper too (`platform normalize --slugs`:
# "linux/arm/v7 linux_arm_v7", "windows/amd64 windows_amd64 .exe"), so file and target names
# follow the helper's rule rather than a copy of it. One helper call per distinct PLATFORMS
# value, whatever the number of platforms or services. Sets out_var to the platforms and
# out_var_slugs, out_var_suffixes to theirs (a suffix is "-" for none: CMake lists lose
# empty elements).
function(_multiarch_normalize_platforms context specs out_var)
  string(SHA1 key "${specs}")
  get_property(lines GLOBAL PROPERTY _MULTIARCH_PLATFORMS_${key})
  if(NOT lines)
    _multiarch_configure_time_helper("${context}" helper)
    execute_process(COMMAND "${helper}" platform normalize --slugs ${specs} RESULT_VARIABLE rc
                    OUTPUT_VARIABLE out ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
      string(STRIP "${err}" err)
      string(REGEX REPLACE "^multiarch platform: " "" err "${err}")
      _multiarch_fail("${context}" "PLATFORMS: ${err}")
    endif()
    string(REGEX REPLACE "\n$" "" out "${out}")
    string(REPLACE "\n" ";" lines "${out}")
    set_property(GLOBAL PROPERTY _MULTIARCH_PLATFORMS_${key} "${lines}")
  endif()
  set(platforms "")
  set(slugs "")
  set(suffixes "")
  foreach(line IN LISTS lines)
    string(REPLACE " " ";" fields "${line}")
    list(LENGTH fields count)
    if(count LESS 2 OR count GREATER 3)
      _multiarch_fail("${context}" "PLATFORMS: unexpected line from the helper: \"${line}\"")
    endif()
    list(GET fields 0 platform)
    list(GET fields 1 slug)
    set(suffix "-")
    if(count EQUAL 3)
      list(GET fields 2 suffix)
    endif()
    list(APPEND platforms "${platform}")
    list(APPEND slugs "${slug}")
    list(APPEND suffixes "${suffix}")
  endforeach()
  set(${out_var} "${platforms}" PARENT_SCOPE)
  set(${out_var}_slugs "${slugs}" PARENT_SCOPE)
  set(${out_var}_suffixes "${suffixes}" PARENT_SCOPE)
endfunction()

# GOOS/GOARCH pairs the Go toolchain can build (`go tool dist list`), once per configure.
function(_multiarch_check_go_supports context go platforms)
  get_property(pairs GLOBAL PROPERTY _MULTIARCH_GO_DIST_LIST)
  if(NOT pairs)
    execute_process(COMMAND "${go}" tool dist list RESULT_VARIABLE rc OUTPUT_VARIABLE out
                    ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
      _multiarch_fail("${context}" "`${go} tool dist list` failed: ${err}")
    endif()
    string(REGEX REPLACE "\n$" "" out "${out}")
    string(REPLACE "\n" ";" pairs "${out}")
    set_property(GLOBAL PROPERTY _MULTIARCH_GO_DIST_LIST "${pairs}")
  endif()
  foreach(platform IN LISTS platforms)
    string(REGEX MATCH "^[^/]+/[^/]+" pair "${platform}")
    if(NOT pair IN_LIST pairs)
      _multiarch_fail("${context}" "PLATFORMS: ${platform}: ${go} cannot build GOOS/GOARCH "
                      "${pair} (see `go tool dist list`)")
    endif()
  endforeach()
endfunction()

# The value of cache variable <name>, else the environment variable of the same name when
# CMake configures (what CI jobs set), else "". A cache entry given with -D stays until
# changed; the environment is only a fallback, so a reconfigure without it keeps the -D value.
function(_multiarch_setting name out_var)
  if(NOT "${${name}}" STREQUAL "")
    set(${out_var} "${${name}}" PARENT_SCOPE)
  else()
    set(${out_var} "$ENV{${name}}" PARENT_SCOPE)
  endif()
endfunction()

function(_multiarch_default_version module_dir out_var)
  _multiarch_setting(MULTIARCH_VERSION configured_version)
  if(NOT configured_version STREQUAL "")
    set(${out_var} "${configured_version}" PARENT_SCOPE)
    return()
  endif()
  set(version dev)
  find_program(_MULTIARCH_GIT_EXECUTABLE git)
  mark_as_advanced(_MULTIARCH_GIT_EXECUTABLE)
  if(_MULTIARCH_GIT_EXECUTABLE)
    execute_process(COMMAND "${_MULTIARCH_GIT_EXECUTABLE}" describe --tags --always --dirty
                    WORKING_DIRECTORY "${module_dir}" RESULT_VARIABLE rc
                    OUTPUT_VARIABLE out ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE)
    if(rc EQUAL 0 AND NOT out STREQUAL "")
      set(version "${out}")
    endif()
  endif()
  set(${out_var} "${version}" PARENT_SCOPE)
endfunction()

# A tag may hold [A-Za-z0-9_.-], start with a word character, and be 128 characters long.
function(_multiarch_tag_from_version version out_var)
  string(REGEX REPLACE "[^A-Za-z0-9_.-]" "-" tag "${version}")
  string(REGEX REPLACE "^[.-]" "_" tag "${tag}")
  string(SUBSTRING "${tag}" 0 128 tag)
  set(${out_var} "${tag}" PARENT_SCOPE)
endfunction()

# ["a", "b"]: the helper's exact form of a command line (words would be split on spaces).
function(_multiarch_json_array items out_var)
  set(json "")
  foreach(item IN LISTS items)
    string(REPLACE "\\" "\\\\" item "${item}")
    string(REPLACE "\"" "\\\"" item "${item}")
    list(APPEND json "\"${item}\"")
  endforeach()
  list(JOIN json ", " json)
  set(${out_var} "[${json}]" PARENT_SCOPE)
endfunction()

# One project-wide target that depends on every per-service one (images, push-images).
function(_multiarch_add_to_aggregate aggregate target)
  if(NOT TARGET ${aggregate})
    if(aggregate STREQUAL "images")
      add_custom_target(${aggregate} ALL)
    else()
      add_custom_target(${aggregate})
    endif()
    set_property(GLOBAL PROPERTY _MULTIARCH_AGGREGATE_${aggregate} TRUE)
  endif()
  get_property(ours GLOBAL PROPERTY _MULTIARCH_AGGREGATE_${aggregate})
  if(NOT ours)
    message(FATAL_ERROR "add_multiarch_image: a target named \"${aggregate}\" exists already "
                        "and is not multiarch's")
  endif()
  add_dependencies(${aggregate} ${target})
endfunction()

# Hands variables computed in a helper function back to add_multiarch_image(). The parts
# below are functions, so they read the caller's variables (arg_<KEYWORD>, name, context,
# what earlier parts set) and return only what they list here.
macro(_multiarch_return)
  foreach(_multiarch_var IN ITEMS ${ARGN})
    set(${_multiarch_var} "${${_multiarch_var}}" PARENT_SCOPE)
  endforeach()
endmacro()

# The service-name rule, identical to the helper's is_service_name() (src/util/service_name.hpp);
# both are tested with the vectors in tests/service_names.txt. See SERVICE in the doc block.
function(_multiarch_check_service_name context name)
  string(LENGTH "${name}" length)
  if(NOT name MATCHES "^[a-z0-9]+([._-][a-z0-9]+)*$" OR length GREATER 128)
    _multiarch_fail("${context}" "invalid SERVICE name \"${name}\": use lower-case letters, "
                    "digits and single '.', '_' or '-' between them, at most 128 characters")
  endif()
endfunction()

# Unknown or value-less keywords, SERVICE. Sets: name, context.
function(_multiarch_check_arguments)
  set(context "")
  if(DEFINED arg_SERVICE)
    set(context "SERVICE ${arg_SERVICE}")
  endif()
  if(arg_UNPARSED_ARGUMENTS)
    list(GET arg_UNPARSED_ARGUMENTS 0 first)
    _multiarch_fail("${context}" "unknown argument \"${first}\"")
  endif()
  if(arg_KEYWORDS_MISSING_VALUES)
    list(GET arg_KEYWORDS_MISSING_VALUES 0 first)
    _multiarch_fail("${context}" "${first} needs a value")
  endif()
  foreach(keyword IN LISTS keyword_checked_lists)
    _multiarch_reject_keyword_like_values("${context}" ${keyword} ${arg_${keyword}})
  endforeach()
  if(NOT DEFINED arg_SERVICE)
    _multiarch_fail("" "SERVICE <name> is required")
  endif()
  set(name "${arg_SERVICE}")
  _multiarch_check_service_name("${context}" "${name}")
  if(TARGET image-${name})
    _multiarch_fail("${context}" "a service named \"${name}\" is declared already")
  endif()
  _multiarch_return(name context)
endfunction()

# --- Go inputs -----------------------------------------------------------------------------
# MODULE_DIR, PACKAGE, PLATFORMS, VERSION. Sets: module_dir, package, go, platforms,
# platforms_slugs and platforms_suffixes (the helper's, one per platform), version.
function(_multiarch_go_inputs)
  if(DEFINED arg_MODULE_DIR)
    get_filename_component(module_dir "${arg_MODULE_DIR}" ABSOLUTE
                           BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  else()
    set(module_dir "${CMAKE_CURRENT_SOURCE_DIR}")
  endif()
  if(NOT EXISTS "${module_dir}/go.mod")
    _multiarch_fail("${context}" "MODULE_DIR ${module_dir} has no go.mod")
  endif()
  if(DEFINED arg_PACKAGE)
    set(package "${arg_PACKAGE}")
  elseif(IS_DIRECTORY "${module_dir}/application/${name}/cmd/${name}")
    set(package "./application/${name}/cmd/${name}")
  else()
    set(package "./cmd/${name}")
  endif()
  if(package MATCHES "^\\.\\.?(/|$)" AND NOT IS_DIRECTORY "${module_dir}/${package}")
    _multiarch_fail("${context}" "PACKAGE ${package}: no such folder in ${module_dir}")
  endif()

  if(NOT MULTIARCH_GO_EXECUTABLE)
    _multiarch_fail("${context}" "no Go toolchain found: install Go or set "
                    "MULTIARCH_GO_EXECUTABLE")
  endif()
  set(go "${MULTIARCH_GO_EXECUTABLE}")

  if(DEFINED arg_PLATFORMS)
    set(specs ${arg_PLATFORMS})
  else()
    set(specs ${MULTIARCH_PLATFORMS})
  endif()
  if(NOT specs)
    _multiarch_fail("${context}" "no PLATFORMS given and MULTIARCH_PLATFORMS is empty")
  endif()
  _multiarch_normalize_platforms("${context}" "${specs}" platforms)
  _multiarch_check_go_supports("${context}" "${go}" "${platforms}")

  if(DEFINED arg_VERSION)
    set(version "${arg_VERSION}")
  else()
    _multiarch_default_version("${module_dir}" version)
  endif()
  _multiarch_return(module_dir package go platforms platforms_slugs platforms_suffixes version)
endfunction()

# --- Backend and image settings ------------------------------------------------------------
# MULTIARCH_BACKEND and DOCKERFILE. Sets: backend (oci or buildx), dockerfile (or empty).
function(_multiarch_backend)
  if(NOT MULTIARCH_BACKEND MATCHES "^(auto|oci|buildx)$")
    _multiarch_fail("${context}" "MULTIARCH_BACKEND is \"${MULTIARCH_BACKEND}\"; "
                    "expected auto, oci or buildx")
  endif()
  set(backend "${MULTIARCH_BACKEND}")
  if(backend STREQUAL "auto")
    if(DEFINED arg_DOCKERFILE)
      set(backend buildx)
    else()
      set(backend oci)
    endif()
  endif()
  set(dockerfile "")
  if(DEFINED arg_DOCKERFILE)
    if(backend STREQUAL "oci")
      _multiarch_fail("${context}" "DOCKERFILE needs the buildx backend, but "
                      "MULTIARCH_BACKEND is oci")
    endif()
    get_filename_component(dockerfile "${arg_DOCKERFILE}" ABSOLUTE
                           BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    if(NOT EXISTS "${dockerfile}")
      _multiarch_fail("${context}" "DOCKERFILE ${dockerfile} does not exist")
    endif()
    if(DEFINED arg_BASE)
      _multiarch_fail("${context}" "BASE cannot be combined with DOCKERFILE (the Dockerfile "
                      "names its own base)")
    endif()
  endif()
  _multiarch_return(backend dockerfile)
endfunction()

# BASE, ENTRYPOINT, PORTS, ENV, LABELS, FILES, TZ, CA_CERTS. Sets: image_settings (flags of
# both `image assemble` and `buildx`), image_inputs (files the image step depends on), and of
# those the ones that change the layer: layer_settings (flags of `image layer`) and
# layer_inputs. A new image keyword appends its flag and inputs here.
function(_multiarch_image_settings)
  set(image_inputs "")
  set(image_settings "")
  set(layer_inputs "")
  set(layer_settings "")
  if(DEFINED arg_BASE)
    if(backend STREQUAL "oci")
      get_filename_component(base "${arg_BASE}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
      if(NOT EXISTS "${base}/index.json")
        _multiarch_fail("${context}" "BASE ${arg_BASE}: not an OCI image layout (no "
                        "${base}/index.json)")
      endif()
      list(APPEND image_inputs "${base}/index.json")
      list(APPEND image_settings --base "${base}")
    else()
      list(APPEND image_settings --base "${arg_BASE}")
    endif()
  endif()
  if(DEFINED arg_ENTRYPOINT)
    _multiarch_json_array("${arg_ENTRYPOINT}" entrypoint)
    list(APPEND image_settings --entrypoint "${entrypoint}")
  endif()
  foreach(port IN LISTS arg_PORTS)
    if(NOT port MATCHES "^[0-9]+(/(tcp|udp))?$")
      _multiarch_fail("${context}" "PORTS: \"${port}\" is not N, N/tcp or N/udp")
    endif()
    list(APPEND image_settings --port "${port}")
  endforeach()
  set(pair_keywords ENV LABELS)
  set(pair_flags --env --label)
  foreach(keyword flag IN ZIP_LISTS pair_keywords pair_flags)
    foreach(pair IN LISTS arg_${keyword})
      if(NOT pair MATCHES "^[^=]+=")
        _multiarch_fail("${context}" "${keyword}: \"${pair}\" is not KEY=VALUE")
      endif()
      list(APPEND image_settings ${flag} "${pair}")
    endforeach()
  endforeach()
  foreach(entry IN LISTS arg_FILES)
    if(NOT entry MATCHES "^([^:]+):(/[^:]*)(:[0-7]+)?$")
      _multiarch_fail("${context}" "FILES: \"${entry}\" is not SRC:/DEST[:MODE]")
    endif()
    set(dest_and_mode "${CMAKE_MATCH_2}${CMAKE_MATCH_3}")
    get_filename_component(src "${CMAKE_MATCH_1}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    if(NOT EXISTS "${src}")
      _multiarch_fail("${context}" "FILES: ${src} does not exist")
    endif()
    list(APPEND layer_inputs "${src}")
    list(APPEND layer_settings --file "${src}:${dest_and_mode}")
  endforeach()
  if(DEFINED arg_TZ)
    list(APPEND layer_settings --tz "${arg_TZ}")
    if(EXISTS "/usr/share/zoneinfo/${arg_TZ}")
      list(APPEND layer_inputs "/usr/share/zoneinfo/${arg_TZ}")
    endif()
  endif()
  if(arg_CA_CERTS)
    list(APPEND layer_settings --ca-certs)
    if(EXISTS "/etc/ssl/certs/ca-certificates.crt")
      list(APPEND layer_inputs "/etc/ssl/certs/ca-certificates.crt")
    endif()
  endif()
  if(backend STREQUAL "oci")
    _multiarch_compression_flags(compression_flags)
    list(APPEND layer_settings ${compression_flags})
  endif()
  list(APPEND image_settings ${layer_settings})
  list(APPEND image_inputs ${layer_inputs})
  _multiarch_return(image_settings image_inputs layer_settings layer_inputs)
endfunction()

# MULTIARCH_COMPRESSION and MULTIARCH_COMPRESSION_LEVEL as flags of `image layer` and `image
# assemble` (both: the layer cache key includes them); none for the defaults, so the command
# lines of existing builds do not change.
function(_multiarch_compression_flags out_var)
  set(compression "${MULTIARCH_COMPRESSION}")
  set(level "${MULTIARCH_COMPRESSION_LEVEL}")
  set(ranges_gzip 1 12)
  set(ranges_zstd 1 19)
  if(NOT compression MATCHES "^(gzip|zstd|none)$")
    _multiarch_fail("${context}" "MULTIARCH_COMPRESSION \"${compression}\": give gzip, zstd "
                    "or none")
  endif()
  set(flags "")
  if(NOT compression STREQUAL "gzip")
    list(APPEND flags --compression "${compression}")
  endif()
  if(NOT level STREQUAL "")
    if(compression STREQUAL "none")
      _multiarch_fail("${context}" "MULTIARCH_COMPRESSION_LEVEL \"${level}\": none takes no "
                      "level; leave it empty")
    endif()
    list(GET ranges_${compression} 0 low)
    list(GET ranges_${compression} 1 high)
    if(NOT level MATCHES "^[0-9]+$" OR level LESS low OR level GREATER high)
      _multiarch_fail("${context}" "MULTIARCH_COMPRESSION_LEVEL \"${level}\": ${compression} "
                      "takes ${low} to ${high} (empty: the default)")
    endif()
    list(APPEND flags --compression-level "${level}")
  endif()
  set(${out_var} "${flags}" PARENT_SCOPE)
endfunction()

# REGISTRY, REPOSITORY, TAGS. Sets: registry, tags, references (registry/repository:tag per
# tag), layout_reference and layout_tag (the first, which load and push name).
function(_multiarch_image_references)
  if(DEFINED arg_REGISTRY)
    set(registry "${arg_REGISTRY}")
  else()
    _multiarch_setting(MULTIARCH_REGISTRY registry)
  endif()
  if(DEFINED arg_REPOSITORY)
    set(repository "${arg_REPOSITORY}")
  else()
    set(repository "${name}")
  endif()
  if(DEFINED arg_TAGS)
    set(tags ${arg_TAGS})
  else()
    _multiarch_tag_from_version("${version}" tags)
  endif()
  set(references "")
  foreach(tag IN LISTS tags)
    if(registry STREQUAL "")
      list(APPEND references "${repository}:${tag}")
    else()
      list(APPEND references "${registry}/${repository}:${tag}")
    endif()
  endforeach()
  # load and push name the image they mean (the helper can keep several in one layout).
  list(GET references 0 layout_reference)
  list(GET tags 0 layout_tag)
  _multiarch_return(registry tags references layout_reference layout_tag)
endfunction()

# --- Build graph ---------------------------------------------------------------------------
# Paths and the helper command shared by every target of the service. Sets: work_dir,
# layout_dir, helper, launcher (bin_dir comes with the go-build group).
function(_multiarch_paths)
  set(work_dir "${CMAKE_CURRENT_BINARY_DIR}/multiarch/${name}")
  set(layout_dir "${work_dir}/oci")
  set(helper "$<TARGET_FILE:multiarch::multiarch>")
  set(launcher ${MULTIARCH_HELPER_LAUNCHER})
  _multiarch_return(work_dir layout_dir helper launcher)
endfunction()

# What `go env` and `go tool dist list` say, asked once per go and module folder before any
# go-build of the build starts: Ninja starts several go-builds at once, and without this
# each would ask before the first had filled the toolchain cache. Its stamp exists after the
# first build, so a no-op runs nothing; go-build still checks the cache's key (a new Go is
# asked again). Sets: toolchain_target.
function(_multiarch_toolchain_target)
  string(SHA256 key "${go}\n${module_dir}")
  string(SUBSTRING "${key}" 0 12 key)
  set(toolchain_target multiarch-toolchain-${key})
  if(NOT TARGET ${toolchain_target})
    _multiarch_touch_command(touch_command)
    set(stamp "${CMAKE_CURRENT_BINARY_DIR}/multiarch/toolchain-${key}.stamp")
    add_custom_command(
      OUTPUT "${stamp}"
      COMMAND ${launcher} "${helper}" go-build --toolchain-only --go "${go}"
              --module-dir "${module_dir}"
              --toolchain-cache "${CMAKE_BINARY_DIR}/multiarch/toolchain"
      COMMAND ${touch_command} "${stamp}"
      DEPENDS multiarch::multiarch
      WORKING_DIRECTORY "${module_dir}"
      COMMENT "Asking ${go} what it is and builds for (multiarch go-build --toolchain-only)"
      VERBATIM)
    add_custom_target(${toolchain_target} DEPENDS "${stamp}")
  endif()
  _multiarch_return(toolchain_target)
endfunction()

# LDFLAGS, GO_TAGS, CGO, GO_BUILD_GROUP. The service joins its go-build group: the services
# of one module that share go, VERSION, LDFLAGS, GO_TAGS, CGO and GO_BUILD_GROUP are built by
# one `multiarch go-build` per platform (_multiarch_go_group_nodes, called once at the end of
# the top-level folder, when every service of the build has joined). Makes go-<name>-<slug>
# (ordered after its platform's group node) and go-<name>. Sets: bin_dir (the group's
# binaries folder), binaries, binary_flags (--binary platform=path for `image assemble`).
function(_multiarch_go_targets)
  _multiarch_toolchain_target()
  # What `go env` and `go tool dist list` say is asked once per toolchain for the whole build
  # folder, not once per binary.
  set(go_flags --go "${go}" --version "${version}"
               --toolchain-cache "${CMAKE_BINARY_DIR}/multiarch/toolchain")
  if(arg_LDFLAGS)
    list(JOIN arg_LDFLAGS " " ldflags)
    list(APPEND go_flags --ldflags "${ldflags}")
  endif()
  if(arg_GO_TAGS)
    list(JOIN arg_GO_TAGS "," go_tags)
    list(APPEND go_flags --tags "${go_tags}")
  endif()
  if(arg_CGO)
    list(APPEND go_flags --cgo)
  endif()
  set(group_name "")
  if(DEFINED arg_GO_BUILD_GROUP)
    set(group_name "${arg_GO_BUILD_GROUP}")
  endif()
  string(SHA256 group "${module_dir}\n${group_name}\n${go_flags}")
  string(SUBSTRING "${group}" 0 12 group)
  set(group_dir "${CMAKE_BINARY_DIR}/multiarch/go/${group}")
  set(bin_dir "${group_dir}/bin")
  file(MAKE_DIRECTORY "${bin_dir}")

  get_property(known GLOBAL PROPERTY _MULTIARCH_GO_GROUPS)
  if(NOT known)
    # Arguments of a deferred call are read when it runs: it takes none.
    cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL _multiarch_go_group_nodes)
  endif()
  if(NOT group IN_LIST known)
    set_property(GLOBAL APPEND PROPERTY _MULTIARCH_GO_GROUPS "${group}")
    set_property(GLOBAL PROPERTY _MULTIARCH_GO_GROUP_${group}_SETTINGS
                 "${module_dir}" "${toolchain_target}" "${launcher}")
    set_property(GLOBAL PROPERTY _MULTIARCH_GO_GROUP_${group}_FLAGS "${go_flags}")
  endif()

  add_custom_target(go-${name})
  set(binaries "")
  set(binary_flags "")
  foreach(platform slug suffix IN ZIP_LISTS platforms platforms_slugs platforms_suffixes)
    if(suffix STREQUAL "-")
      set(suffix "")
    endif()
    set(binary "${bin_dir}/${slug}/${name}${suffix}")
    get_property(slugs GLOBAL PROPERTY _MULTIARCH_GO_GROUP_${group}_SLUGS)
    if(NOT slug IN_LIST slugs)
      set_property(GLOBAL APPEND PROPERTY _MULTIARCH_GO_GROUP_${group}_SLUGS "${slug}")
      set_property(GLOBAL PROPERTY _MULTIARCH_GO_GROUP_${group}_${slug}_PLATFORM "${platform}")
    endif()
    # name, package and binary path, three list items per service.
    set_property(GLOBAL APPEND PROPERTY _MULTIARCH_GO_GROUP_${group}_${slug}_BINARIES
                 "${name}" "${package}" "${binary}")
    # The group node owns the binary's rule; the service's own targets order after it, so
    # Unix Makefiles never run the same rule twice in parallel.
    add_custom_target(go-${name}-${slug})
    add_dependencies(go-${name}-${slug} multiarch-go-${group}-${slug})
    add_dependencies(go-${name} go-${name}-${slug})
    list(APPEND binaries "${binary}")
    list(APPEND binary_flags --binary "${platform}=${binary}")
  endforeach()
  _multiarch_return(bin_dir binaries binary_flags)
endfunction()

# The build nodes of every go-build group (see _multiarch_go_targets), called at the end of
# the top-level folder. Per group and platform: one `multiarch go-build` of every service of the
# group (it builds only the stale binaries, each with its own stamp, so an edit of one
# service relinks no other), OUTPUT a stamp, the binaries its BYPRODUCTS (restat: an
# unchanged binary re-runs nothing after it). It reruns when any input of any binary of the
# group changed: with Ninja through MULTIARCH_DEPFILE_SHARDS small nodes whose depfiles split
# the inputs (Ninja 1.11's depfile reader is quadratic in the entries of one file), with
# Unix Makefiles through one depfile.
function(_multiarch_go_group_nodes)
  _multiarch_touch_command(touch_command)
  get_property(groups GLOBAL PROPERTY _MULTIARCH_GO_GROUPS)
  foreach(group IN LISTS groups)
    _multiarch_go_group_node("${group}")
  endforeach()
endfunction()

function(_multiarch_go_group_node group)
  get_property(settings GLOBAL PROPERTY _MULTIARCH_GO_GROUP_${group}_SETTINGS)
  list(POP_FRONT settings module_dir toolchain_target)
  set(launcher ${settings})
  get_property(go_flags GLOBAL PROPERTY _MULTIARCH_GO_GROUP_${group}_FLAGS)
  get_property(slugs GLOBAL PROPERTY _MULTIARCH_GO_GROUP_${group}_SLUGS)
  set(helper "$<TARGET_FILE:multiarch::multiarch>")
  set(group_dir "${CMAKE_BINARY_DIR}/multiarch/go/${group}")
  # Checked with every generator, so a bad cache value fails before someone switches to Ninja.
  set(shards "${MULTIARCH_DEPFILE_SHARDS}")
  if(NOT shards MATCHES "^[1-9][0-9]*$" OR shards GREATER 1024)
    message(FATAL_ERROR "MULTIARCH_DEPFILE_SHARDS \"${shards}\": give a number from 1 to "
                        "1024 (16 by default)")
  endif()
  if(NOT CMAKE_GENERATOR MATCHES "Ninja")
    set(shards 1)
  endif()
  foreach(slug IN LISTS slugs)
    get_property(platform GLOBAL PROPERTY _MULTIARCH_GO_GROUP_${group}_${slug}_PLATFORM)
    get_property(entries GLOBAL PROPERTY _MULTIARCH_GO_GROUP_${group}_${slug}_BINARIES)
    set(target multiarch-go-${group}-${slug})
    set(stamp "${group_dir}/${slug}.stamp")
    set(go_args go-build --module-dir "${module_dir}" --platform "${platform}"
                --output-dir "${group_dir}/bin" ${go_flags}
                --depfile "${group_dir}/bin/{slug}/{name}.d")
    set(names "")
    set(binaries "")
    list(LENGTH entries count)
    math(EXPR last "${count} - 1")
    foreach(i RANGE 0 ${last} 3)
      math(EXPR p "${i} + 1")
      math(EXPR b "${i} + 2")
      list(GET entries ${i} name)
      list(GET entries ${p} package)
      list(GET entries ${b} binary)
      list(APPEND go_args --package "${package}" --name "${name}")
      list(APPEND names "${name}")
      list(APPEND binaries "${binary}")
    endforeach()

    list(JOIN names ", " names_text)
    set(input_stamps "")
    set(depfile_option "")
    set(forget "")
    if(CMAKE_GENERATOR MATCHES "Ninja")
      # Ninja reads these depfiles as they are (CMP0116 OLD): go-build writes them after each
      # run, naming the shard's output as Ninja spells it, relative to the build folder.
      file(RELATIVE_PATH relative_dir "${CMAKE_BINARY_DIR}" "${group_dir}/inputs")
      list(APPEND go_args --group-depfile "${group_dir}/inputs/{slug}-{shard}.d"
                          --group-depfile-target "${relative_dir}/{slug}-{shard}.stamp"
                          --group-depfile-shards "${shards}")
      math(EXPR last_shard "${shards} - 1")
      foreach(shard RANGE 0 ${last_shard})
        set(input_stamp "${group_dir}/inputs/${slug}-${shard}.stamp")
        cmake_policy(PUSH)
        cmake_policy(SET CMP0116 OLD)
        add_custom_command(
          OUTPUT "${input_stamp}"
          COMMAND ${touch_command} "${input_stamp}"
          DEPFILE "${group_dir}/inputs/${slug}-${shard}.d"
          COMMENT "Inputs of ${names_text} for ${platform} (part ${shard})"
          VERBATIM)
        cmake_policy(POP)
        list(APPEND input_stamps "${input_stamp}")
      endforeach()
    else()
      list(APPEND go_args --group-depfile "${group_dir}/${slug}.d"
                          --group-depfile-target "${stamp}")
      set(depfile_option DEPFILE "${group_dir}/${slug}.d")
      _multiarch_forget_depfile_command(${target} forget)
    endif()
    # Unix Makefiles do not rebuild when a command line changes; this file changes with it.
    set(args_file "${group_dir}/${slug}.args")
    string(REPLACE ";" "\n" args_text "${go_args}")
    _multiarch_write_if_changed("${args_file}" "${args_text}\n")
    add_custom_command(
      OUTPUT "${stamp}"
      BYPRODUCTS ${binaries}
      COMMAND ${launcher} "${helper}" ${go_args}
      COMMAND ${touch_command} "${stamp}"
      ${forget}
      ${depfile_option}
      # The toolchain target: a target-level order, not a file dependency.
      DEPENDS multiarch::multiarch "${args_file}" ${toolchain_target} ${input_stamps}
      WORKING_DIRECTORY "${module_dir}"
      COMMENT "Building ${names_text} for ${platform} (multiarch go-build)"
      VERBATIM COMMAND_EXPAND_LISTS)
    add_custom_target(${target} DEPENDS "${stamp}")
  endforeach()
endfunction()

# --- Supply chain ----------------------------------------------------------------------------
# SBOM, PROVENANCE, METADATA_FILE (docs/supply-chain.md). Attestations are on by default for
# both backends: multiarch's own, deterministic, also on the layout `multiarch buildx` writes
# (never BuildKit's, whose provenance records times and whose SBOM needs a scanner image); an
# explicit ON or OFF is passed to either. Sets: supply_chain_args, metadata_file.
function(_multiarch_supply_chain)
  set(supply_chain_args "")
  foreach(kind IN ITEMS SBOM PROVENANCE)
    string(TOLOWER "${kind}" flag)
    if(NOT DEFINED arg_${kind})
      continue()
    endif()
    string(TOUPPER "${arg_${kind}}" value)
    if(NOT value MATCHES "^(ON|OFF|TRUE|FALSE|YES|NO|1|0)$")
      _multiarch_fail("${context}" "${kind} \"${arg_${kind}}\": expected ON or OFF")
    endif()
    if(arg_${kind})
      list(APPEND supply_chain_args "--${flag}=true")
    else()
      list(APPEND supply_chain_args "--${flag}=false")
    endif()
  endforeach()
  if(DEFINED arg_METADATA_FILE)
    get_filename_component(metadata_file "${arg_METADATA_FILE}" ABSOLUTE
                           BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
  else()
    set(metadata_file "${work_dir}/metadata.json")
  endif()
  list(APPEND supply_chain_args --metadata-file "${metadata_file}")
  _multiarch_return(supply_chain_args metadata_file)
endfunction()

# The oci backend's layer nodes: per platform, `multiarch image layer` compresses that
# platform's layer into its own store (multiarch/<name>/layers/<slug>/) as soon as its binary
# exists, while other platforms still link; the image step then links the stored layers and
# only writes JSON. A node depends on its binary, the layer's files and its arguments; its
# record (layer.json, a byproduct) changes only when the layer does, so the image step, which
# depends on the records, does not run for a binary relinked to the same bytes. Sets:
# layer_records, layer_targets (layer-<name>-<slug>) and layer_store_flags (--layer-store
# platform=store for `image assemble`); all empty for the buildx backend.
function(_multiarch_layer_targets)
  set(layer_records "")
  set(layer_targets "")
  set(layer_store_flags "")
  if(backend STREQUAL "oci")
    file(MAKE_DIRECTORY "${work_dir}/layers")
    _multiarch_touch_command(touch_command)
    foreach(platform slug binary IN ZIP_LISTS platforms platforms_slugs binaries)
      set(store "${work_dir}/layers/${slug}")
      set(record "${store}/layer.json")
      set(stamp "${store}/layer.stamp")
      set(depfile "${work_dir}/layers/${slug}.d")
      set(layer_args image layer --binary "${platform}=${binary}" --output "${store}"
                     --module-dir "${module_dir}" ${layer_settings}
                     --depfile "${depfile}" --depfile-target "${stamp}")
      set(args_file "${work_dir}/layers/${slug}.args")
      string(REPLACE ";" "\n" args_text "${layer_args}")
      _multiarch_write_if_changed("${args_file}" "${args_text}\n")
      _multiarch_forget_depfile_command(layer-${name}-${slug} forget_layer_depfile)
      add_custom_command(
        OUTPUT "${stamp}"
        BYPRODUCTS "${record}"
        COMMAND ${launcher} "${helper}" ${layer_args}
        COMMAND ${touch_command} "${stamp}"
        ${forget_layer_depfile}
        DEPENDS "${binary}" ${layer_inputs} multiarch::multiarch "${args_file}"
        DEPFILE "${depfile}"
        COMMENT "Compressing the ${name} layer for ${platform} (multiarch image layer)"
        VERBATIM COMMAND_EXPAND_LISTS)
      # The binary may be made by another target: with Unix Makefiles only a target-level
      # order makes sure it exists first.
      add_custom_target(layer-${name}-${slug} DEPENDS "${stamp}")
      add_dependencies(layer-${name}-${slug} go-${name}-${slug})
      list(APPEND layer_records "${record}")
      list(APPEND layer_targets layer-${name}-${slug})
      list(APPEND layer_store_flags --layer-store "${platform}=${store}")
    endforeach()
  endif()
  _multiarch_return(layer_records layer_targets layer_store_flags)
endfunction()

# The image step's command line for the chosen backend. Sets: image_args, image_inputs (plus
# the Dockerfile; for oci the layer records instead of the layer's own inputs), comment,
# stamp (the step's output) and image_depfile ("" for none).
function(_multiarch_image_command)
  set(stamp "${work_dir}/image.stamp")
  # Every file under a FILES folder (and the folders, for added or removed files): the helper
  # lists them in this depfile, naming the stamp as their target. For oci the layer nodes
  # have them; the image step depends on the layers' records alone.
  set(image_depfile "${work_dir}/image.d")
  list(JOIN platforms ", " platforms_text)
  if(backend STREQUAL "oci")
    set(image_depfile "")
    set(image_args image assemble ${binary_flags} ${layer_store_flags} --name "${name}"
                   --output "${layout_dir}" --tag "${layout_reference}" --version "${version}"
                   --module-dir "${module_dir}" ${image_settings} ${supply_chain_args})
    if(layer_inputs)
      list(REMOVE_ITEM image_inputs ${layer_inputs})
    endif()
    list(APPEND image_inputs ${layer_records})
    set(comment "Assembling the ${name} image for ${platforms_text} (multiarch image assemble)")
  else()
    list(APPEND image_inputs ${binaries})
    set(image_args buildx --binaries-dir "${bin_dir}" --name "${name}"
                   --output-layout "${layout_dir}" --module-dir "${module_dir}"
                   --depfile "${image_depfile}" --depfile-target "${stamp}")
    foreach(platform IN LISTS platforms)
      list(APPEND image_args --platform "${platform}")
    endforeach()
    foreach(reference IN LISTS references)
      list(APPEND image_args --tag "${reference}")
    endforeach()
    if(dockerfile)
      list(APPEND image_args --dockerfile "${dockerfile}")
      list(APPEND image_inputs "${dockerfile}")
    else()
      list(APPEND image_args --generate)
    endif()
    if(DEFINED arg_BUILDER)
      list(APPEND image_args --builder "${arg_BUILDER}")
    endif()
    list(APPEND image_args ${image_settings} ${supply_chain_args})
    set(comment "Packaging the ${name} image for ${platforms_text} (multiarch buildx)")
  endif()
  _multiarch_return(image_args image_inputs comment stamp image_depfile)
endfunction()

# image-<name>: the image step after the binaries, and the target's properties.
function(_multiarch_image_target)
  _multiarch_touch_command(touch_command)
  set(forget_image_depfile "")
  set(depfile_option "")
  if(image_depfile)
    _multiarch_forget_depfile_command(image-${name} forget_image_depfile)
    set(depfile_option DEPFILE "${image_depfile}")
  endif()
  set(args_file "${work_dir}/image.args")
  string(REPLACE ";" "\n" args_text "${image_args}")
  _multiarch_write_if_changed("${args_file}" "${args_text}\n")
  # The layout holds this build's image only: dropping the previous index.json first makes
  # the helper replace, not add to, the tags of earlier versions. Their blobs stay as the
  # layer cache until the helper collects what the new index does not reach.
  add_custom_command(
    OUTPUT "${stamp}"
    BYPRODUCTS "${layout_dir}/index.json" "${metadata_file}"
    COMMAND "${CMAKE_COMMAND}" -E rm -f "${layout_dir}/index.json"
    COMMAND ${launcher} "${helper}" ${image_args}
    COMMAND ${touch_command} "${stamp}"
    ${forget_image_depfile}
    DEPENDS ${image_inputs} multiarch::multiarch "${args_file}"
    ${depfile_option}
    COMMENT "${comment}"
    VERBATIM COMMAND_EXPAND_LISTS)
  add_custom_target(image-${name} DEPENDS "${stamp}")
  add_dependencies(image-${name} go-${name} ${layer_targets})
  set_target_properties(image-${name} PROPERTIES
    MULTIARCH_SERVICE "${name}"
    MULTIARCH_PLATFORMS "${platforms}"
    MULTIARCH_BINARIES_DIR "${bin_dir}"
    MULTIARCH_LAYOUT_DIR "${layout_dir}"
    MULTIARCH_IMAGE_REFERENCES "${references}"
    MULTIARCH_METADATA_FILE "${metadata_file}")
endfunction()

# --- Tests ---------------------------------------------------------------------------------
# enable_testing() sets CMAKE_TESTING_ENABLED in the scope it is called from, and CMake writes
# a folder's CTestTestfile.cmake only when that variable is set in the folder when it ends;
# called in a function it is lost at the return, so the module cannot enable testing for its
# caller. It records the folders of TEST calls and checks them when the top-level folder
# ends, in that folder's scope (cmake_language(DEFER)): the top level must have testing too,
# since `ctest --test-dir <build>` starts there.
function(_multiarch_watch_testing)
  get_property(watching GLOBAL PROPERTY _MULTIARCH_TEST_FOLDERS SET)
  if(NOT watching)
    cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL _multiarch_check_testing)
  endif()
  set_property(GLOBAL APPEND PROPERTY _MULTIARCH_TEST_FOLDERS "${CMAKE_CURRENT_SOURCE_DIR}")
  set_property(DIRECTORY APPEND PROPERTY _MULTIARCH_TEST_SERVICES "${name}")
endfunction()

function(_multiarch_check_testing)
  if(DEFINED BUILD_TESTING AND NOT BUILD_TESTING)
    return()  # include(CTest) with testing turned off: the tests are not wanted
  endif()
  get_property(folders GLOBAL PROPERTY _MULTIARCH_TEST_FOLDERS)
  list(REMOVE_DUPLICATES folders)
  set(untested "")
  foreach(folder IN LISTS folders)
    get_directory_property(enabled DIRECTORY "${folder}" DEFINITION CMAKE_TESTING_ENABLED)
    if(NOT enabled OR NOT CMAKE_TESTING_ENABLED)
      get_directory_property(services DIRECTORY "${folder}" _MULTIARCH_TEST_SERVICES)
      list(APPEND untested ${services})
    endif()
  endforeach()
  if(untested)
    list(JOIN untested ", " untested)
    # No "..." here: CMake's message layout puts two spaces after it.
    message(WARNING "add_multiarch_image(TEST): testing is not enabled, so this configure "
                    "gives CTest no test of ${untested}; add enable_testing() (or include(CTest)) to the "
                    "top-level CMakeLists.txt, before the add_multiarch_image() calls with TEST")
  endif()
endfunction()

# TEST: one CTest test per platform and test-<name>, each running `multiarch image test` with
# --record. Sets: test_records (where passes are recorded; "" without TEST).
function(_multiarch_test_targets)
  set(test_records "")
  if(NOT test_enabled)
    _multiarch_return(test_records)
    return()
  endif()
  cmake_parse_arguments(test "" "EXPECT_OUTPUT;HTTP_GET;PORT;TIMEOUT" "ARGS" ${arg_TEST})
  if(test_UNPARSED_ARGUMENTS)
    list(GET test_UNPARSED_ARGUMENTS 0 first)
    _multiarch_fail("${context}" "TEST: unknown argument \"${first}\" (expected ARGS, "
                    "EXPECT_OUTPUT, HTTP_GET, PORT or TIMEOUT)")
  endif()
  if(test_KEYWORDS_MISSING_VALUES)
    list(GET test_KEYWORDS_MISSING_VALUES 0 first)
    _multiarch_fail("${context}" "TEST: ${first} needs a value")
  endif()
  if(DEFINED test_HTTP_GET AND NOT DEFINED test_PORT)
    _multiarch_fail("${context}" "TEST: HTTP_GET needs PORT <port> (where the service listens)")
  endif()
  if(DEFINED test_PORT AND NOT DEFINED test_HTTP_GET)
    _multiarch_fail("${context}" "TEST: PORT is for HTTP_GET <path>")
  endif()
  if(DEFINED test_PORT AND NOT test_PORT MATCHES "^[1-9][0-9]*$")
    _multiarch_fail("${context}" "TEST: PORT \"${test_PORT}\" is not a port number")
  endif()
  set(timeout 300)
  if(DEFINED test_TIMEOUT)
    if(NOT test_TIMEOUT MATCHES "^[1-9][0-9]*$")
      _multiarch_fail("${context}" "TEST: TIMEOUT \"${test_TIMEOUT}\" is not a whole number "
                      "of seconds")
    endif()
    set(timeout "${test_TIMEOUT}")
  endif()

  set(test_records "${work_dir}/tested")
  set(test_args image test --layout "${layout_dir}" --ref "${layout_tag}"
                --record "${test_records}" --timeout "${timeout}")
  if(DEFINED test_EXPECT_OUTPUT)
    list(APPEND test_args --expect-output "${test_EXPECT_OUTPUT}")
  endif()
  if(DEFINED test_HTTP_GET)
    list(APPEND test_args --http-get "${test_HTTP_GET}" --port "${test_PORT}")
  endif()
  set(program_args "")
  if(DEFINED test_ARGS)
    set(program_args -- ${test_ARGS})
  endif()

  _multiarch_watch_testing()
  # CTest's limit leaves the helper time to stop the program and report.
  math(EXPR ctest_timeout "${timeout} + 60")
  foreach(platform slug IN ZIP_LISTS platforms platforms_slugs)
    add_test(NAME multiarch.${name}.${slug}
             COMMAND ${launcher} "${helper}" ${test_args} --platform "${platform}"
                     ${program_args}
             COMMAND_EXPAND_LISTS)
    set_tests_properties(multiarch.${name}.${slug} PROPERTIES
                         LABELS "multiarch;${name}" TIMEOUT ${ctest_timeout})
    if(DEFINED test_PORT)
      set_tests_properties(multiarch.${name}.${slug} PROPERTIES
                           RESOURCE_LOCK multiarch_port_${test_PORT})
    endif()
  endforeach()

  add_custom_target(test-${name}
    COMMAND ${launcher} "${helper}" ${test_args} ${program_args}
    COMMENT "Testing ${name} on every platform's minimum CPU (multiarch image test)"
    VERBATIM COMMAND_EXPAND_LISTS USES_TERMINAL)
  add_dependencies(test-${name} image-${name})
  _multiarch_add_to_aggregate(test-images test-${name})
  set_target_properties(image-${name} PROPERTIES MULTIARCH_TEST_RECORDS_DIR "${test_records}")
  _multiarch_return(test_records)
endfunction()

# load-<name>, push-<name>, and the project-wide images and push-images.
function(_multiarch_publish_targets)
  add_custom_target(load-${name}
    COMMAND ${launcher} "${helper}" image load --layout "${layout_dir}" --ref "${layout_tag}"
    COMMENT "Loading the build host's platform of ${name} into Docker"
    VERBATIM COMMAND_EXPAND_LISTS USES_TERMINAL)
  add_dependencies(load-${name} image-${name})

  set(push_refusal "")
  set(require_tested "")
  if(MULTIARCH_PUSH_REQUIRES_TEST)
    if(test_records STREQUAL "")
      # One string: set() with several would make the "; " a list separator, which a join
      # then drops.
      string(CONCAT push_refusal "push-${name}: MULTIARCH_PUSH_REQUIRES_TEST is ON and ${name} "
                    "has no TEST; add TEST to its add_multiarch_image()")
    else()
      set(require_tested --require-tested "${test_records}")
    endif()
  endif()
  if(registry STREQUAL "")
    set(push_refusal
        "push-${name}: no registry; set MULTIARCH_REGISTRY or REGISTRY for ${name}")
  endif()
  if(NOT push_refusal STREQUAL "")
    add_custom_target(push-${name}
      COMMAND "${CMAKE_COMMAND}" -E echo "${push_refusal}"
      COMMAND "${CMAKE_COMMAND}" -E false
      VERBATIM)
  else()
    set(push_commands "")
    foreach(reference IN LISTS references)
      list(APPEND push_commands COMMAND ${launcher} "${helper}" image push
           --layout "${layout_dir}" --ref "${layout_tag}" --to "${reference}" ${require_tested})
      if(MULTIARCH_SIGN_KEY)
        list(APPEND push_commands --sign-key "${MULTIARCH_SIGN_KEY}")
      endif()
    endforeach()
    add_custom_target(push-${name} ${push_commands}
      COMMENT "Pushing ${name} to ${references}"
      VERBATIM COMMAND_EXPAND_LISTS USES_TERMINAL)
    add_dependencies(push-${name} image-${name})
  endif()

  _multiarch_add_to_aggregate(images image-${name})
  _multiarch_add_to_aggregate(push-images push-${name})
endfunction()

# The keywords, by the part that reads them. A new keyword is one word on its part's line
# here, its entry in the doc block at the top, and the reading of arg_<KEYWORD> in that
# part's function; a new part is one more call below.
function(add_multiarch_image)
  set(options
      CGO                                                      # _multiarch_go_targets
      CA_CERTS)                                                # _multiarch_image_settings
  set(one_value
      SERVICE                                                  # _multiarch_check_arguments
      PACKAGE MODULE_DIR VERSION                               # _multiarch_go_inputs
      GO_BUILD_GROUP                                           # _multiarch_go_targets
      DOCKERFILE                                               # _multiarch_backend
      BUILDER                                                  # _multiarch_image_command
      BASE TZ                                                  # _multiarch_image_settings
      REGISTRY REPOSITORY                                      # _multiarch_image_references
      SBOM PROVENANCE METADATA_FILE)                           # _multiarch_supply_chain
  set(multi_value
      PLATFORMS                                                # _multiarch_go_inputs
      LDFLAGS GO_TAGS                                          # _multiarch_go_targets
      ENTRYPOINT PORTS ENV LABELS FILES                        # _multiarch_image_settings
      TAGS                                                     # _multiarch_image_references
      TEST)                                                    # _multiarch_test_targets
  # List keywords whose values never look like KEYWORDS (ENTRYPOINT and LDFLAGS may).
  set(keyword_checked_lists PLATFORMS TAGS PORTS ENV LABELS FILES GO_TAGS)
  cmake_parse_arguments(PARSE_ARGV 0 arg "${options}" "${one_value}" "${multi_value}")
  # TEST takes its own keywords (ARGS, EXPECT_OUTPUT, ...) as values; TEST alone is a test
  # with the defaults, not a missing value.
  set(test_enabled FALSE)
  if(DEFINED arg_TEST OR "TEST" IN_LIST arg_KEYWORDS_MISSING_VALUES)
    set(test_enabled TRUE)
    list(REMOVE_ITEM arg_KEYWORDS_MISSING_VALUES TEST)
  endif()

  _multiarch_check_arguments()
  _multiarch_go_inputs()
  _multiarch_backend()
  _multiarch_image_settings()
  _multiarch_image_references()
  _multiarch_paths()
  _multiarch_go_targets()
  _multiarch_supply_chain()
  _multiarch_layer_targets()
  _multiarch_image_command()
  _multiarch_image_target()
  _multiarch_test_targets()
  _multiarch_publish_targets()
endfunction()

cmake_policy(POP)
