# Configures the `errors` sample project with one misuse of add_multiarch_image() and checks
# that configuring fails with a message naming the keyword or value; for a warning_<case>,
# that configuring succeeds with that warning; for a refusal_<case>, that building its
# target fails with that message.
#   cmake -DCASE=<case> -DSOURCE_DIR=<multiarch source> -DPREFIX=<installed multiarch>
#         -DWORK_DIR=<scratch folder> -P configure_error_test.cmake
include("${CMAKE_CURRENT_LIST_DIR}/TestSupport.cmake")

set(expected_unknown_keyword [[add_multiarch_image\(SERVICE user\): unknown argument "PLATFORM"]])
set(expected_unknown_keyword_after_list
    [[add_multiarch_image\(SERVICE user\): unknown keyword "PUSH" \(read as a value of PORTS\)]])
set(expected_missing_service [[add_multiarch_image\(\): SERVICE <name> is required]])
set(expected_missing_value [[add_multiarch_image\(SERVICE user\): PACKAGE needs a value]])
set(expected_bad_platform
    [[add_multiarch_image\(SERVICE user\): PLATFORMS: invalid platform "linux/amd64/v5": amd64 takes the variants]])
set(expected_bad_platform_cache
    [[add_multiarch_image\(SERVICE user\): PLATFORMS: invalid platform "sparkle": neither a known]])
set(expected_unsupported_by_go
    [[add_multiarch_image\(SERVICE user\): PLATFORMS: plan9/s390x: .* cannot build GOOS/GOARCH plan9/s390x \(see `go tool dist list`\)]])
set(expected_missing_package_dir
    [[add_multiarch_image\(SERVICE billing\): PACKAGE \./cmd/billing: no such folder in ]])
set(expected_missing_explicit_package
    [[add_multiarch_image\(SERVICE user\): PACKAGE \./cmd/nowhere: no such folder in ]])
set(expected_no_go_mod [[add_multiarch_image\(SERVICE user\): MODULE_DIR .*/application has no go\.mod]])
set(expected_bad_service_name [[add_multiarch_image\(SERVICE User\): invalid SERVICE name "User"]])
set(expected_duplicate_service
    [[add_multiarch_image\(SERVICE user\): a service named "user" is declared already]])
set(expected_bad_port [[add_multiarch_image\(SERVICE user\): PORTS: "http" is not N, N/tcp or N/udp]])
set(expected_bad_sbom_value [[add_multiarch_image\(SERVICE user\): SBOM "maybe": expected ON or OFF]])
set(expected_dockerfile_with_oci_backend
    [[add_multiarch_image\(SERVICE user\): DOCKERFILE needs the buildx backend]])
set(expected_test_unknown_argument
    [[add_multiarch_image\(SERVICE user\): TEST: unknown argument "EXPECT" \(expected ARGS,]])
set(expected_test_http_without_port
    [[add_multiarch_image\(SERVICE user\): TEST: HTTP_GET needs PORT <port>]])
set(expected_bad_depfile_shards
    [[MULTIARCH_DEPFILE_SHARDS "2000": give a number from 1 to 1024 \(16 by default\)]])
set(expected_bad_compression_level
    [[add_multiarch_image\(SERVICE user\): MULTIARCH_COMPRESSION_LEVEL "13": gzip takes 1 to 12]])
# TEST without enable_testing(): CTest would find no test, silently.
set(warning_test_without_enable_testing
    [[CMake Warning at .*add_multiarch_image\(TEST\): testing is not enabled, so this configure gives CTest no test of user; add enable_testing\(\) \(or include\(CTest\)\) to the top-level CMakeLists\.txt, before the add_multiarch_image\(\) calls with TEST]])
set(refusal_target_push_requires_test_without_test push-user)
set(refusal_push_requires_test_without_test
    [[push-user: MULTIARCH_PUSH_REQUIRES_TEST is ON and user has no TEST; add TEST to its add_multiarch_image\(\)]])

if(NOT DEFINED expected_${CASE} AND NOT DEFINED warning_${CASE} AND NOT DEFINED refusal_${CASE})
  message(FATAL_ERROR "unknown CASE '${CASE}'")
endif()

set(work "${WORK_DIR}")
file(REMOVE_RECURSE "${work}")
file(MAKE_DIRECTORY "${work}/src")
file(COPY "${SOURCE_DIR}/examples/monorepo/go.mod" "${SOURCE_DIR}/examples/monorepo/application"
          "${SOURCE_DIR}/tests/cmake/projects/errors/CMakeLists.txt" DESTINATION "${work}/src")
set(expect_failure EXPECT_FAILURE)
if(NOT DEFINED expected_${CASE})
  set(expect_failure "")
endif()
run("configure with ERROR_CASE=${CASE}" COMMAND "${CMAKE_COMMAND}" -S "${work}/src"
    -B "${work}/build" "-DCMAKE_PREFIX_PATH=${PREFIX}" "-DERROR_CASE=${CASE}"
    ${expect_failure} OUTPUT_VARIABLE out)
if(DEFINED warning_${CASE})
  set(expected_${CASE} "${warning_${CASE}}")
elseif(DEFINED refusal_${CASE})
  if(out MATCHES "CMake Warning")  # no TEST: no enable_testing() needed
    message(FATAL_ERROR "configuring warned:\n${out}")
  endif()
  run("build ${refusal_target_${CASE}}" COMMAND "${CMAKE_COMMAND}" --build "${work}/build"
      --target "${refusal_target_${CASE}}" EXPECT_FAILURE OUTPUT_VARIABLE out)
  set(expected_${CASE} "${refusal_${CASE}}")
endif()
# CMake wraps long messages; compare on one line.
string(REGEX REPLACE "\n *" " " flat "${out}")
if(NOT flat MATCHES "${expected_${CASE}}")
  message(FATAL_ERROR "the message does not match\n  ${expected_${CASE}}\n"
                      "output:\n${out}")
endif()
message(STATUS "ok: ${CASE}")
remove_work_dir("${work}")
