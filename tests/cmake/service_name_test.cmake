# The SERVICE rule of add_multiarch_image() against tests/service_names.txt, the vectors the
# helper's unit test (tests/unit/service_name_test.cpp) runs through is_service_name(): every
# valid name configures (all in one project), every invalid one fails configure naming it.
#   cmake -DSOURCE_DIR=<multiarch source> -DPREFIX=<installed multiarch>
#         -DWORK_DIR=<scratch folder> -P service_name_test.cmake
include("${CMAKE_CURRENT_LIST_DIR}/TestSupport.cmake")

file(STRINGS "${SOURCE_DIR}/tests/service_names.txt" lines ENCODING UTF-8)
set(valid "")
set(invalid "")
foreach(line IN LISTS lines)
  if(line MATCHES "^#" OR line STREQUAL "")
    continue()
  endif()
  if(NOT line MATCHES "^(valid|invalid):(.*)$")
    message(FATAL_ERROR "bad vector line: ${line}")
  endif()
  list(APPEND ${CMAKE_MATCH_1} "${CMAKE_MATCH_2}")
endforeach()
list(LENGTH valid valid_count)
list(LENGTH invalid invalid_count)
if(valid_count LESS 5 OR invalid_count LESS 10)
  message(FATAL_ERROR "read ${valid_count} valid and ${invalid_count} invalid names; expected "
                      "the whole file")
endif()

set(work "${WORK_DIR}")
file(REMOVE_RECURSE "${work}")
file(MAKE_DIRECTORY "${work}/src")
file(COPY "${SOURCE_DIR}/examples/monorepo/go.mod" "${SOURCE_DIR}/examples/monorepo/application"
          "${SOURCE_DIR}/tests/cmake/projects/errors/CMakeLists.txt" DESTINATION "${work}/src")
set(configure "${CMAKE_COMMAND}" -S "${work}/src" -B "${work}/build"
              "-DCMAKE_PREFIX_PATH=${PREFIX}" -DERROR_CASE=service_name)

run("configure with the ${valid_count} valid names" COMMAND ${configure}
    "-DSERVICE_NAMES=${valid}")
message(STATUS "ok: ${valid_count} valid names configure")

foreach(name IN LISTS invalid)
  file(REMOVE_RECURSE "${work}/build")
  run("configure with SERVICE \"${name}\"" COMMAND ${configure} "-DSERVICE_NAMES=${name}"
      EXPECT_FAILURE OUTPUT_VARIABLE out)
  string(REGEX REPLACE "\n *" " " flat "${out}")  # CMake wraps long messages
  string(FIND "${flat}" "invalid SERVICE name \"${name}\"" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "SERVICE \"${name}\" did not fail naming it:\n${out}")
  endif()
endforeach()
message(STATUS "ok: ${invalid_count} invalid names fail configure naming the name")
remove_work_dir("${work}")
