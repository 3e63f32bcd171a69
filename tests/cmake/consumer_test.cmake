# Drives one sample consumer project through configure, build and rebuilds, counting what
# runs (Corrosion-style: a real project, a real generator, the real go and helper).
#   cmake -DMODE=find_package|fetchcontent|subdirectory -DGENERATOR=<generator>
#         -DSCENARIO=full|basic|buildx|files|image_test -DSOURCE_DIR=<multiarch source> -DWORK_DIR=<scratch folder>
#         [-DPREFIX=<installed multiarch>] -P consumer_test.cmake
# full:  no-op proof, a touched service rebuilds only itself, a touched shared file rebuilds
#        every service for the platforms it belongs to, a changed image setting re-runs only
#        the image step; one layer node per platform (layer-<name>-<slug>), re-run only for
#        the platform whose binary changed, the image step only when a layer changed, and the
#        index digest equal to one `image assemble` of the same binaries without the stores.
# buildx: DOCKERFILE packages through docker buildx into a layout; the no-op runs no docker;
#        an edited FILES file or Dockerfile re-runs only the image step.
# files: edits, additions and removals under a FILES folder re-run only the image step.
# basic: an invalid platform is a configure error; one build; no-op proof; the configure-time
#        platform engine answers exactly like the built helper (in-tree modes).
# image_test: TEST gives one CTest test per platform (labels multiarch and the service) and
#        test-<name>; with MULTIARCH_PUSH_REQUIRES_TEST push-<name> refuses an image until its
#        tests passed for its current digest, again after a rebuild or a failing test.
include("${CMAKE_CURRENT_LIST_DIR}/TestSupport.cmake")

foreach(var IN ITEMS MODE GENERATOR SCENARIO SOURCE_DIR WORK_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "pass -D${var}=...")
  endif()
endforeach()

set(work "${WORK_DIR}")
set(src "${work}/src")
set(build "${work}/build")
prepare_consumer("${work}" "${SOURCE_DIR}" "${MODE}")
# A file of the shared package that only arm64 binaries compile.
file(WRITE "${src}/internal/service/tuning_arm64.go"
     "package service\n\n// cacheLineSize is only compiled for arm64.\nconst cacheLineSize = 64\n")

set(configure_args -S "${src}" -B "${build}" -G "${GENERATOR}"
    "-DMULTIARCH_GO_EXECUTABLE=${work}/wrappers/go"
    "-DMULTIARCH_HELPER_LAUNCHER=${work}/wrappers/helper" -DMULTIARCH_VERSION=1.2.3-test)
if(MODE MATCHES "^(find_package|buildx|image_test)$")
  list(APPEND configure_args "-DCMAKE_PREFIX_PATH=${PREFIX}")
else()
  list(APPEND configure_args "-DMULTIARCH_SOURCE_DIR=${work}/multiarch")
endif()

function(build target)
  run("build ${target}" COMMAND "${CMAKE_COMMAND}" -E env
      "PATH=${work}/wrappers/path:$ENV{PATH}" "${CMAKE_COMMAND}" --build "${build}"
      --target ${target} --parallel 2 OUTPUT_VARIABLE out)
  set(build_output "${out}" PARENT_SCOPE)
endfunction()

function(expect_nothing_ran what)
  foreach(tool IN ITEMS go docker helper)
    read_calls("${work}" ${tool} calls)
    list(LENGTH calls count)
    expect_equal("${what}: ${tool} calls" "${count}" 0)
  endforeach()
  if(GENERATOR STREQUAL "Ninja")
    run("ninja -n image-user" COMMAND "${CMAKE_MAKE_PROGRAM_NINJA}" -C "${build}" -n
        -d explain image-user OUTPUT_VARIABLE out)
    if(NOT out MATCHES "no work to do")
      message(FATAL_ERROR "${what}: Ninja still has work for image-user:\n${out}")
    endif()
  endif()
endfunction()

find_program(CMAKE_MAKE_PROGRAM_NINJA ninja)

if(SCENARIO STREQUAL "buildx")
  if("$ENV{MULTIARCH_SKIP_DOCKER}" STREQUAL "1")
    message(STATUS "MULTIARCH_SKIP_DOCKER=1: skipped")
    return()
  endif()
  execute_process(COMMAND docker info RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "no Docker engine (`docker info` failed): install docker.io and start "
                        "it, or set MULTIARCH_SKIP_DOCKER=1 to skip")
  endif()
  file(WRITE "${src}/conf/app.yaml" "a: 1\n")
  run("configure" COMMAND "${CMAKE_COMMAND}" ${configure_args})
  reset_calls("${work}")
  build(image-user)
  go_builds_logged("${work}" builds)
  expect_equal("first build: go builds" "${builds}" "user linux/amd64;user linux/arm64")
  read_calls("${work}" docker calls)
  if(NOT calls)
    message(FATAL_ERROR "the buildx backend ran no docker command")
  endif()
  # The layout's index names one image index with both platforms, then (on by default, as
  # with the oci backend) multiarch's attestation manifest of each.
  file(READ "${build}/multiarch/user/oci/index.json" index)
  string(JSON digest GET "${index}" manifests 0 digest)
  string(REPLACE "sha256:" "" digest "${digest}")
  file(READ "${build}/multiarch/user/oci/blobs/sha256/${digest}" image_index)
  string(JSON count LENGTH "${image_index}" manifests)
  expect_equal("manifests in the buildx layout" "${count}" 4)
  set(kinds "")
  foreach(i RANGE 3)
    string(JSON os GET "${image_index}" manifests ${i} platform os)
    list(APPEND kinds "${os}")
  endforeach()
  expect_equal("platforms, then attestations, in the buildx layout" "${kinds}"
               "linux;linux;unknown;unknown")

  reset_calls("${work}")
  build(image-user)
  expect_nothing_ran("no-op rebuild (buildx backend)")

  # A file of a FILES folder edited in place (the folder's mtime stays) re-runs buildx and
  # changes the image (issue 17 item 1, buildx backend); the no-op after it runs nothing.
  file(READ "${build}/multiarch/user/oci/index.json" index_before)
  reset_calls("${work}")
  file(APPEND "${src}/conf/app.yaml" "a: 2\n")
  build(image-user)
  go_builds_logged("${work}" builds)
  expect_equal("after editing conf/app.yaml: go builds" "${builds}" "")
  image_steps_logged("${work}" steps)
  expect_equal("after editing conf/app.yaml: image steps" "${steps}" "user")
  file(READ "${build}/multiarch/user/oci/index.json" index_after)
  if(index_after STREQUAL index_before)
    message(FATAL_ERROR "editing conf/app.yaml did not change the buildx image")
  endif()
  reset_calls("${work}")
  build(image-user)
  expect_nothing_ran("no-op rebuild after editing a FILES file (buildx backend)")

  # A changed Dockerfile re-packages without compiling anything.
  reset_calls("${work}")
  file(APPEND "${src}/Dockerfile" "LABEL touched=yes\n")
  build(image-user)
  go_builds_logged("${work}" builds)
  expect_equal("after editing the Dockerfile: go builds" "${builds}" "")
  read_calls("${work}" helper calls)
  if(NOT calls MATCHES " buildx ")
    message(FATAL_ERROR "editing the Dockerfile did not re-run multiarch buildx: ${calls}")
  endif()
  remove_work_dir("${work}")
  return()
endif()

if(SCENARIO STREQUAL "files")
  # FILES folder contents are inputs of the image step (issue 17 item 1): an in-place edit, a
  # file added or removed in a subfolder re-runs the image step and changes the image; a
  # no-op still runs nothing.
  file(WRITE "${src}/conf/app.yaml" "a: 1\n")
  file(WRITE "${src}/conf/sub/b.yaml" "b: 1\n")
  file(WRITE "${src}/services.cmake"
       "add_multiarch_image(SERVICE user PLATFORMS linux/amd64 FILES conf:/etc/app)\n")
  run("configure" COMMAND "${CMAKE_COMMAND}" ${configure_args})
  function(image_digest out_var)
    file(READ "${build}/multiarch/user/oci/index.json" index)
    string(JSON digest GET "${index}" manifests 0 digest)
    set(${out_var} "${digest}" PARENT_SCOPE)
  endfunction()
  function(expect_image_step what)
    go_builds_logged("${work}" builds)
    expect_equal("${what}: go builds" "${builds}" "")
    layer_steps_logged("${work}" layers)
    expect_equal("${what}: layer steps" "${layers}" "user linux/amd64")
    image_steps_logged("${work}" steps)
    expect_equal("${what}: image steps" "${steps}" "user")
  endfunction()

  reset_calls("${work}")
  build(image-user)
  image_digest(first)
  reset_calls("${work}")
  build(image-user)
  expect_nothing_ran("no-op rebuild with a FILES folder")

  reset_calls("${work}")
  file(APPEND "${src}/conf/app.yaml" "a: 2\n")  # in place: the folder's mtime stays
  build(image-user)
  expect_image_step("after editing conf/app.yaml in place")
  image_digest(edited)
  if(edited STREQUAL first)
    message(FATAL_ERROR "editing conf/app.yaml did not change the image (${edited})")
  endif()

  reset_calls("${work}")
  file(APPEND "${src}/conf/sub/b.yaml" "b: 2\n")
  build(image-user)
  expect_image_step("after editing conf/sub/b.yaml in place")
  image_digest(sub_edited)

  reset_calls("${work}")
  file(WRITE "${src}/conf/sub/new.yaml" "c: 1\n")
  build(image-user)
  expect_image_step("after adding conf/sub/new.yaml")
  image_digest(added)
  if(added STREQUAL sub_edited)
    message(FATAL_ERROR "adding conf/sub/new.yaml did not change the image")
  endif()

  reset_calls("${work}")
  file(REMOVE "${src}/conf/sub/new.yaml")
  build(image-user)
  expect_image_step("after removing conf/sub/new.yaml")
  image_digest(removed)
  expect_equal("the image after removing the added file is the one before" "${removed}"
               "${sub_edited}")

  reset_calls("${work}")
  build(image-user)
  expect_nothing_ran("no-op rebuild after the edits")
  remove_work_dir("${work}")
  return()
endif()

if(SCENARIO STREQUAL "image_test")
  foreach(opt_out IN ITEMS MULTIARCH_SKIP_SANDBOX MULTIARCH_SKIP_QEMU)
    if("$ENV{${opt_out}}" STREQUAL "1")
      message(STATUS "${opt_out}=1: skipped")
      return()
    endif()
  endforeach()
  run("configure" COMMAND "${CMAKE_COMMAND}" ${configure_args} -DMULTIARCH_PUSH_REQUIRES_TEST=ON)
  function(ctest_in_build what)
    cmake_parse_arguments(PARSE_ARGV 1 arg "EXPECT_FAILURE" "OUTPUT_VARIABLE" "ARGS")
    set(expect "")
    if(arg_EXPECT_FAILURE)
      set(expect EXPECT_FAILURE)
    endif()
    run("${what}" COMMAND "${CMAKE_CTEST_COMMAND}" --test-dir "${build}" ${arg_ARGS} ${expect}
        OUTPUT_VARIABLE out)
    set(${arg_OUTPUT_VARIABLE} "${out}" PARENT_SCOPE)
  endfunction()
  # The names CTest lists for a label, sorted.
  function(tests_listed label out_var)
    ctest_in_build("ctest -N -L ${label}" ARGS -N -L "${label}" OUTPUT_VARIABLE out)
    string(REGEX MATCHALL "Test +#[0-9]+: [^\n]+" lines "${out}")
    set(names "")
    foreach(line IN LISTS lines)
      string(REGEX REPLACE "Test +#[0-9]+: " "" name "${line}")
      list(APPEND names "${name}")
    endforeach()
    list(SORT names)
    set(${out_var} "${names}" PARENT_SCOPE)
  endfunction()
  function(push_refused what pattern)
    run("${what}" COMMAND "${CMAKE_COMMAND}" --build "${build}" --target push-user
        EXPECT_FAILURE OUTPUT_VARIABLE out)
    string(REGEX REPLACE "\n *" " " flat "${out}")
    if(NOT flat MATCHES "refusing to push sha256:[0-9a-f]+: not every platform passed")
      message(FATAL_ERROR "${what}: push-user was not refused:\n${out}")
    endif()
    if(NOT flat MATCHES "${pattern}")
      message(FATAL_ERROR "${what}: the refusal does not say \"${pattern}\":\n${out}")
    endif()
    message(STATUS "ok: ${what}: refused")
  endfunction()
  function(push_not_refused what)
    # Past the refusal the push fails at the registry, where nothing listens.
    run("${what}" COMMAND "${CMAKE_COMMAND}" --build "${build}" --target push-user
        EXPECT_FAILURE OUTPUT_VARIABLE out)
    if(out MATCHES "refusing to push" OR NOT out MATCHES "registry 127\\.0\\.0\\.1:9: reach")
      message(FATAL_ERROR "${what}: expected a push attempt, not a refusal:\n${out}")
    endif()
    message(STATUS "ok: ${what}: not refused")
  endfunction()

  tests_listed(multiarch tests)
  expect_equal("tests labelled multiarch" "${tests}"
               "multiarch.order.linux_arm64;multiarch.user.linux_amd64;multiarch.user.linux_arm64;multiarch.user.linux_arm_v6")
  tests_listed(order tests)
  expect_equal("tests labelled order" "${tests}" "multiarch.order.linux_arm64")

  reset_calls("${work}")
  build(all)
  push_refused("push-user before any test" "linux/arm/v6: no passing test")

  ctest_in_build("ctest -L multiarch" ARGS -L multiarch --output-on-failure -j 2
                 OUTPUT_VARIABLE out)
  if(NOT out MATCHES "100% tests passed, 0 tests failed out of 4")
    message(FATAL_ERROR "ctest -L multiarch did not run 4 passing tests:\n${out}")
  endif()
  push_not_refused("push-user after ctest passed")
  reset_calls("${work}")
  build(all)
  expect_nothing_ran("no-op rebuild after the tests")

  # A rebuilt image (another ENV, another digest) must be tested again; test-user does it.
  run("re-configure with another ENV" COMMAND "${CMAKE_COMMAND}" ${configure_args}
      -DAPP_MODE=prod)
  build(all)
  push_refused("push-user after a rebuild" "linux/amd64: passed for index sha256:[0-9a-f]+, not this one")
  build(test-user)
  push_not_refused("push-user after test-user")

  # A failing test takes the pass back.
  run("re-configure with an output the service never prints" COMMAND "${CMAKE_COMMAND}"
      ${configure_args} "-DEXPECTED=platform=windows/")
  ctest_in_build("ctest -L user (failing)" ARGS -L user EXPECT_FAILURE OUTPUT_VARIABLE out)
  if(NOT out MATCHES "0% tests passed, 3 tests failed out of 3")
    message(FATAL_ERROR "ctest -L user did not fail on its 3 platforms:\n${out}")
  endif()
  push_refused("push-user after a failing test" "linux/arm64: no passing test")
  remove_work_dir("${work}")
  return()
endif()

if(SCENARIO STREQUAL "basic")
  run("configure with an invalid platform" COMMAND "${CMAKE_COMMAND}" ${configure_args}
      -DMULTIARCH_PLATFORMS=linux/amd64/v5 EXPECT_FAILURE OUTPUT_VARIABLE out)
  string(REGEX REPLACE "\n *" " " flat "${out}")  # CMake wraps long messages
  if(NOT flat MATCHES "SERVICE user\\): PLATFORMS: invalid platform \"linux/amd64/v5\": amd64 takes")
    message(FATAL_ERROR "the invalid platform error does not name it:\n${out}")
  endif()
  run("configure" COMMAND "${CMAKE_COMMAND}" ${configure_args} -DMULTIARCH_PLATFORMS=linux/arm64)
  reset_calls("${work}")
  build(image-user)
  # order (amd64 and arm64) is in user's go-build group: the arm64 node builds both.
  go_builds_logged("${work}" builds)
  expect_equal("first build: go builds" "${builds}" "order linux/arm64;user linux/arm64")
  image_steps_logged("${work}" steps)
  expect_equal("first build: image steps" "${steps}" "user")
  if(NOT EXISTS "${build}/multiarch/user/oci/index.json")
    message(FATAL_ERROR "no OCI layout at ${build}/multiarch/user/oci")
  endif()

  reset_calls("${work}")
  build(image-user)
  expect_nothing_ran("no-op rebuild")

  # The configure-time platform engine of in-tree builds must answer as the helper does.
  if(NOT MODE STREQUAL "find_package")
    # In-tree consumers compile the helper as a unity build (MULTIARCH_UNITY_BUILD): this
    # also proves the library's file-private names do not collide in one translation unit.
    file(GLOB_RECURSE unity_sources "${build}/unity_*_cxx.cxx")
    list(FILTER unity_sources INCLUDE REGEX "/multiarch_core\\.dir/Unity/")
    if(NOT unity_sources)
      message(FATAL_ERROR "the in-tree helper was not compiled as a unity build "
                          "(no multiarch_core.dir/Unity/unity_*_cxx.cxx under ${build})")
    endif()
    # One translation unit per core by default, none smaller than 16 sources
    # (MULTIARCH_UNITY_BUILD_BATCH_SIZE empty): the first build keeps every core busy.
    file(GLOB library_sources "${SOURCE_DIR}/src/*/*.cpp")
    list(LENGTH library_sources source_count)
    cmake_host_system_information(RESULT cores QUERY NUMBER_OF_LOGICAL_CORES)
    math(EXPR batch "(${source_count} + ${cores} - 1) / ${cores}")
    if(batch LESS 16)
      set(batch 16)
    endif()
    math(EXPR want_units "(${source_count} + ${batch} - 1) / ${batch}")
    list(LENGTH unity_sources units)
    expect_equal("unity translation units (${source_count} sources, ${cores} cores)" "${units}"
                 "${want_units}")
    file(READ "${build}/helper-path.txt" helper)
    set(engine "${build}/_multiarch/bootstrap/multiarch-platform")
    foreach(spec IN ITEMS linux/amd64 armhf aarch64 linux/arm64/v8 arm64/v9.0 linux/arm/v6
                          i686 ppc64el linux linux/amd64/v3 linux/amd64/v5 "linux/arm/v7,armel"
                          common all-arm all "x86_64,amd64" "" "linux/" "foo" "Linux/ARM64"
                          "linux/arm64/v8.10" "*" windows/amd64)
      # Both output forms: plain, and --slugs (what the module reads for file names).
      foreach(form IN ITEMS "" --slugs)
        execute_process(COMMAND "${helper}" platform normalize ${form} "${spec}"
                        RESULT_VARIABLE rc1 OUTPUT_VARIABLE out1 ERROR_VARIABLE err1)
        execute_process(COMMAND "${engine}" platform normalize ${form} "${spec}"
                        RESULT_VARIABLE rc2 OUTPUT_VARIABLE out2 ERROR_VARIABLE err2)
        expect_equal("normalize ${form} \"${spec}\" (helper vs configure-time engine)"
                     "${rc2}|${out2}|${err2}" "${rc1}|${out1}|${err1}")
      endforeach()
    endforeach()
  endif()
  remove_work_dir("${work}")
  return()
endif()

# --- full ------------------------------------------------------------------------------------
run("configure" COMMAND "${CMAKE_COMMAND}" ${configure_args}
    "-DMULTIARCH_PLATFORMS=linux/amd64,linux/arm64")

reset_calls("${work}")
build(image-user)
# user and order share the module, go and flags: one go-build group. Building image-user
# builds the group's node of each platform: one go-build, one `go build` for both binaries.
go_build_calls_logged("${work}" go_build_calls)
expect_equal("first build: go-build calls" "${go_build_calls}"
             "linux/amd64: order,user;linux/arm64: order,user")
go_builds_logged("${work}" builds)
expect_equal("first build: binaries built" "${builds}"
             "order linux/amd64;order linux/arm64;user linux/amd64;user linux/arm64")
read_calls("${work}" go calls)
list(FILTER calls INCLUDE REGEX "^build ")
list(LENGTH calls go_build_count)
expect_equal("first build: go build invocations (one per platform)" "${go_build_count}" 2)
image_steps_logged("${work}" steps)
expect_equal("first build: image steps" "${steps}" "user")
layer_steps_logged("${work}" layers)
expect_equal("first build: layer steps" "${layers}" "user linux/amd64;user linux/arm64")
file(GLOB binaries "${build}/multiarch/go/*/bin/linux_*/user")
list(LENGTH binaries binary_count)
expect_equal("first build: user binaries in the group's folder" "${binary_count}" 2)
foreach(file IN ITEMS oci/index.json oci/oci-layout layers/linux_amd64/layer.json
                      layers/linux_arm64/layer.json)
  if(NOT EXISTS "${build}/multiarch/user/${file}")
    message(FATAL_ERROR "missing ${build}/multiarch/user/${file}")
  endif()
endforeach()
read_calls("${work}" go calls)
if(NOT calls)
  message(FATAL_ERROR "the go wrapper saw no call: MULTIARCH_GO_EXECUTABLE was not used")
endif()
# The toolchain is asked once for the whole build (go-build --toolchain-only runs before the
# go-builds), however many go-builds Ninja or make start at once.
set(toolchain_queries "")
foreach(call IN LISTS calls)
  if(call MATCHES "^env " OR call MATCHES "^tool dist list")
    list(APPEND toolchain_queries "${call}")
  endif()
endforeach()
list(LENGTH toolchain_queries toolchain_count)
expect_equal("first build: toolchain queries (go env, go tool dist list)" "${toolchain_count}" 2)

build(image-order)

# Supply chain: user has the default attestations (one attestation manifest per platform
# after the platforms) and the default metadata file; order has none and its METADATA_FILE.
foreach(case IN ITEMS "user;multiarch/user/metadata.json;4" "order;order-metadata.json;2")
  list(GET case 0 service)
  list(GET case 1 metadata)
  list(GET case 2 expected)
  file(READ "${build}/multiarch/${service}/oci/index.json" index)
  string(JSON digest GET "${index}" manifests 0 digest)
  string(REPLACE "sha256:" "" blob "${digest}")
  file(READ "${build}/multiarch/${service}/oci/blobs/sha256/${blob}" image_index)
  string(JSON count LENGTH "${image_index}" manifests)
  expect_equal("${service}: entries of the image index" "${count}" "${expected}")
  if(NOT EXISTS "${build}/${metadata}")
    message(FATAL_ERROR "${service}: no metadata file ${build}/${metadata}")
  endif()
  file(READ "${build}/${metadata}" metadata_json)
  string(JSON recorded GET "${metadata_json}" "containerimage.digest")
  expect_equal("${service}: metadata file digest" "${recorded}" "${digest}")
endforeach()

reset_calls("${work}")
build(image-user)
expect_nothing_ran("no-op rebuild of image-user")
# The layer nodes are targets of their own (and up to date).
build(layer-user-linux_arm64)
expect_nothing_ran("no-op build of layer-user-linux_arm64")

# The layers the nodes stored give the image one `image assemble` call gives: the same
# command line without --layer-store, into another folder, has the same index digest.
file(READ "${build}/helper-path.txt" helper)
file(STRINGS "${build}/multiarch/user/image.args" image_args)
set(single_args "")
set(skip "")
foreach(arg IN LISTS image_args)
  if(skip STREQUAL "drop")
    set(skip "")
  elseif(skip)
    list(APPEND single_args "${skip}")
    set(skip "")
  elseif(arg STREQUAL "--layer-store")
    set(skip "drop")
  elseif(arg STREQUAL "--output")
    list(APPEND single_args --output)
    set(skip "${work}/single-oci")
  elseif(arg STREQUAL "--metadata-file")
    list(APPEND single_args --metadata-file)
    set(skip "${work}/single-metadata.json")
  else()
    list(APPEND single_args "${arg}")
  endif()
endforeach()
if(single_args MATCHES "--layer-store" OR NOT single_args MATCHES "single-oci")
  message(FATAL_ERROR "could not rewrite the image step's arguments: ${single_args}")
endif()
run("one image assemble without layer stores" COMMAND "${helper}" ${single_args} --json
    OUTPUT_VARIABLE out)
foreach(layout IN ITEMS "${build}/multiarch/user/oci" "${work}/single-oci")
  file(READ "${layout}/index.json" index)
  string(JSON digest GET "${index}" manifests 0 digest)
  list(APPEND index_digests "${digest}")
endforeach()
list(GET index_digests 0 through_layer_nodes)
list(GET index_digests 1 through_one_call)
expect_equal("index digest through the layer nodes = one image assemble" "${through_layer_nodes}"
             "${through_one_call}")

# A source file of order: the group nodes run (image-user needs them) and relink order
# only; user's binary stays as it was, so image-user does not run again.
reset_calls("${work}")
file(TOUCH "${src}/application/order/cmd/order/main.go")
build(image-user)
go_builds_logged("${work}" builds)
expect_equal("image-user after touching order's main.go: binaries built" "${builds}"
             "order linux/amd64;order linux/arm64")
image_steps_logged("${work}" steps)
expect_equal("image-user after touching order's main.go: image steps" "${steps}" "")
# order's binaries are the same bytes again: its layer nodes run, its layers stay the same,
# so image-order has nothing to do.
reset_calls("${work}")
build(image-order)
go_builds_logged("${work}" builds)
expect_equal("image-order after that: binaries built" "${builds}" "")
layer_steps_logged("${work}" layers)
expect_equal("image-order after that: layer steps" "${layers}"
             "order linux/amd64;order linux/arm64")
image_steps_logged("${work}" steps)
expect_equal("image-order after that: image steps" "${steps}" "")

# A file of the shared package that only arm64 compiles: both services, arm64 only. Touched,
# it gives the same binaries: their layer nodes run, their layers and records stay the same,
# and no image step runs.
reset_calls("${work}")
file(TOUCH "${src}/internal/service/tuning_arm64.go")
build(images)
go_builds_logged("${work}" builds)
expect_equal("images after touching tuning_arm64.go: binaries built" "${builds}"
             "order linux/arm64;user linux/arm64")
layer_steps_logged("${work}" layers)
expect_equal("images after touching tuning_arm64.go: layer steps" "${layers}"
             "order linux/arm64;user linux/arm64")
image_steps_logged("${work}" steps)
expect_equal("images after touching tuning_arm64.go: image steps (same layers)" "${steps}" "")
reset_calls("${work}")
build(images)
expect_nothing_ran("no-op rebuild after the same layers")

# Changed so the arm64 binaries change: only the arm64 layers are compressed again, the
# amd64 records stay as they were, and both image steps run.
foreach(service IN ITEMS user order)
  file(TIMESTAMP "${build}/multiarch/${service}/layers/linux_amd64/layer.json" amd64_time_${service}
       "%s%f")
  file(READ "${build}/multiarch/${service}/layers/linux_arm64/layer.json" arm64_record_${service})
endforeach()
reset_calls("${work}")
file(WRITE "${src}/internal/service/tuning_arm64.go"
     "package service\n\n// cacheLineSize is only compiled for arm64.\nvar cacheLineSize = 128\n\n"
     "func init() {\n\tif cacheLineSize == 0 {\n\t\tpanic(\"no cache line\")\n\t}\n}\n")
build(images)
go_builds_logged("${work}" builds)
expect_equal("images after changing tuning_arm64.go: go builds" "${builds}"
             "order linux/arm64;user linux/arm64")
layer_steps_logged("${work}" layers)
expect_equal("images after changing tuning_arm64.go: layer steps" "${layers}"
             "order linux/arm64;user linux/arm64")
image_steps_logged("${work}" steps)
expect_equal("images after changing tuning_arm64.go: image steps" "${steps}" "order;user")
foreach(service IN ITEMS user order)
  file(TIMESTAMP "${build}/multiarch/${service}/layers/linux_amd64/layer.json" amd64_time "%s%f")
  expect_equal("${service}: the amd64 layer record is untouched" "${amd64_time}"
               "${amd64_time_${service}}")
  file(READ "${build}/multiarch/${service}/layers/linux_arm64/layer.json" arm64_record)
  if(arm64_record STREQUAL arm64_record_${service})
    message(FATAL_ERROR "${service}: the arm64 layer record did not change:\n${arm64_record}")
  endif()
endforeach()

# A file of the shared package every platform compiles: both services, every platform.
reset_calls("${work}")
file(TOUCH "${src}/internal/service/service.go")
build(images)
go_builds_logged("${work}" builds)
expect_equal("images after touching service.go: binaries built" "${builds}"
             "order linux/amd64;order linux/arm64;user linux/amd64;user linux/arm64")

# A changed image setting (ENV) re-runs the image step of that service only, no go build,
# with either generator (Unix Makefiles do not track command lines by themselves).
run("re-configure with another ENV" COMMAND "${CMAKE_COMMAND}" ${configure_args} -DAPP_MODE=prod)
reset_calls("${work}")
build(images)
go_builds_logged("${work}" builds)
expect_equal("images after changing ENV: go builds" "${builds}" "")
image_steps_logged("${work}" steps)
expect_equal("images after changing ENV: image steps" "${steps}" "user")
layer_steps_logged("${work}" layers)
expect_equal("images after changing ENV: layer steps" "${layers}" "")

reset_calls("${work}")
build(images)
expect_nothing_ran("no-op rebuild of images")

# MULTIARCH_COMPRESSION_LEVEL reaches the layer nodes and the image steps alike: every layer
# is compressed again at level 1, no go build runs, and each image takes its layers from the
# layer stores (the same cache key on both sides), smaller levels giving larger blobs.
file(READ "${build}/multiarch/user/layers/linux_amd64/layer.json" record)
string(JSON level6_size GET "${record}" size)
run("re-configure with MULTIARCH_COMPRESSION_LEVEL=1" COMMAND "${CMAKE_COMMAND}"
    ${configure_args} -DAPP_MODE=prod -DMULTIARCH_COMPRESSION_LEVEL=1)
reset_calls("${work}")
build(images)
go_builds_logged("${work}" builds)
expect_equal("images at level 1: go builds" "${builds}" "")
layer_steps_logged("${work}" layers)
expect_equal("images at level 1: layer steps" "${layers}"
             "order linux/amd64;order linux/arm64;user linux/amd64;user linux/arm64")
file(STRINGS "${build}/multiarch/user/image.args" image_args)
if(NOT image_args MATCHES "--compression-level;1")
  message(FATAL_ERROR "image.args has no --compression-level 1: ${image_args}")
endif()
file(READ "${build}/multiarch/user/layers/linux_amd64/layer.json" record)
string(JSON level1_size GET "${record}" size)
string(JSON level1_digest GET "${record}" digest)
if(NOT level1_size GREATER level6_size)
  message(FATAL_ERROR "level 1 layer (${level1_size} bytes) not larger than level 6 "
                      "(${level6_size} bytes)")
endif()
string(REPLACE "sha256:" "" level1_hex "${level1_digest}")
if(NOT EXISTS "${build}/multiarch/user/oci/blobs/sha256/${level1_hex}")
  message(FATAL_ERROR "the image layout lacks the level 1 layer ${level1_digest}")
endif()
reset_calls("${work}")
build(images)
expect_nothing_ran("no-op rebuild at level 1")

remove_work_dir("${work}")
