# Helpers for the `cmake -P` drivers of the CMake integration tests: run a command and fail
# the test with its output, prepare a sample consumer with the example Go module, and count
# the calls of go, docker and the multiarch helper through wrapper executables.
cmake_minimum_required(VERSION 3.25)

function(check condition_text)
  message(FATAL_ERROR "check failed: ${condition_text}")
endfunction()

# run(<what> COMMAND ... [EXPECT_FAILURE] [OUTPUT_VARIABLE var]) prints the output of a
# failing (or unexpectedly succeeding) command and stops the test.
function(run what)
  cmake_parse_arguments(PARSE_ARGV 1 arg "EXPECT_FAILURE" "OUTPUT_VARIABLE" "COMMAND")
  message(STATUS "${what}")
  execute_process(COMMAND ${arg_COMMAND} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE out)
  if(arg_EXPECT_FAILURE AND rc EQUAL 0)
    message(FATAL_ERROR "${what}: succeeded, expected a failure\n${out}")
  elseif(NOT arg_EXPECT_FAILURE AND NOT rc EQUAL 0)
    message(FATAL_ERROR "${what}: exit ${rc}\n${out}")
  endif()
  if(arg_OUTPUT_VARIABLE)
    set(${arg_OUTPUT_VARIABLE} "${out}" PARENT_SCOPE)
  endif()
endfunction()

# Writes an executable shell wrapper that logs its arguments to <log> and runs <program>.
function(write_counting_wrapper path log program)
  get_filename_component(dir "${path}" DIRECTORY)
  get_filename_component(name "${path}" NAME)
  file(WRITE "${dir}/.${name}.tmp"
       "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '${log}'\nexec ${program} \"$@\"\n")
  file(CHMOD "${dir}/.${name}.tmp" PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE
       GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
  file(RENAME "${dir}/.${name}.tmp" "${path}")
endfunction()

# A fresh work folder with the consumer project of <mode>, a copy of the example module
# (a copy, because the tests touch its files), for in-tree modes a copy of multiarch's
# sources in <work>/multiarch, and counting wrappers:
#   <work>/calls/{go,docker,helper}.log  one line per call
#   <work>/wrappers/{go,docker,helper}  MULTIARCH_GO_EXECUTABLE, PATH entry, launcher
function(prepare_consumer work source_dir mode)
  file(REMOVE_RECURSE "${work}")
  file(MAKE_DIRECTORY "${work}/src" "${work}/calls" "${work}/wrappers")
  file(COPY "${source_dir}/examples/monorepo/" DESTINATION "${work}/src"
       PATTERN "build" EXCLUDE PATTERN "CMakeLists.txt" EXCLUDE PATTERN "CMakePresets.json"
       EXCLUDE PATTERN "Makefile" EXCLUDE PATTERN ".gitignore" EXCLUDE)
  file(COPY "${source_dir}/tests/cmake/projects/${mode}/" DESTINATION "${work}/src")
  file(COPY "${source_dir}/tests/cmake/projects/services.cmake" DESTINATION "${work}/src")

  # In-tree modes build from a snapshot of the sources, as a vendored copy would be: edits
  # made to the checkout while the test runs cannot rebuild the helper under its feet.
  if(NOT mode MATCHES "^(find_package|buildx|image_test)$")
    file(COPY "${source_dir}/CMakeLists.txt" "${source_dir}/cmake" "${source_dir}/src"
         DESTINATION "${work}/multiarch")
  endif()

  find_program(real_go go HINTS ENV GOROOT PATH_SUFFIXES bin PATHS /usr/local/go/bin REQUIRED)
  find_program(real_docker docker)
  if(NOT real_docker)
    set(real_docker false)
  endif()
  write_counting_wrapper("${work}/wrappers/go" "${work}/calls/go.log" "${real_go}")
  file(MAKE_DIRECTORY "${work}/wrappers/path")
  write_counting_wrapper("${work}/wrappers/path/docker" "${work}/calls/docker.log"
                         "${real_docker}")
  write_counting_wrapper("${work}/wrappers/helper" "${work}/calls/helper.log" "")
endfunction()

function(reset_calls work)
  foreach(tool IN ITEMS go docker helper)
    file(WRITE "${work}/calls/${tool}.log" "")
  endforeach()
endfunction()

# Lines of <work>/calls/<tool>.log.
function(read_calls work tool out_var)
  file(STRINGS "${work}/calls/${tool}.log" lines)
  set(${out_var} "${lines}" PARENT_SCOPE)
endfunction()

# "<name> <platform>" for every binary a `go build` logged by the go wrapper linked, sorted:
# what was built, whichever multiarch go-build (one per group and platform) asked for it.
# The platform comes from the output's slug folder (`-o .../<slug>/.<name>.tmp-...`), the
# names from the packages after it (their last element, as the example module names them).
function(go_builds_logged work out_var)
  read_calls("${work}" go lines)
  set(builds "")
  foreach(line IN LISTS lines)
    if(NOT line MATCHES "^build " OR NOT line MATCHES " -o ([^ ]+) (.+)$")
      continue()
    endif()
    set(output "${CMAKE_MATCH_1}")
    string(REPLACE " " ";" packages "${CMAKE_MATCH_2}")
    if(NOT output MATCHES "/([a-z0-9]+_[a-z0-9_]+)/\\.[^/]+/?$")
      message(FATAL_ERROR "go_builds_logged: no slug folder in the output of: ${line}")
    endif()
    string(REPLACE "_" "/" platform "${CMAKE_MATCH_1}")
    foreach(package IN LISTS packages)
      get_filename_component(name "${package}" NAME)
      list(APPEND builds "${name} ${platform}")
    endforeach()
  endforeach()
  list(SORT builds)
  set(${out_var} "${builds}" PARENT_SCOPE)
endfunction()

# go-build calls of the helper (one per go-build group and platform) logged, as
# "<platform>: <name>,<name>...", sorted.
function(go_build_calls_logged work out_var)
  read_calls("${work}" helper lines)
  set(calls "")
  foreach(line IN LISTS lines)
    if(line MATCHES " go-build " AND line MATCHES "--platform ([^ ]+)")
      set(platform "${CMAKE_MATCH_1}")
      string(REGEX MATCHALL "--name [^ ]+" names "${line}")
      list(TRANSFORM names REPLACE "--name " "")
      list(SORT names)
      list(JOIN names "," names)
      list(APPEND calls "${platform}: ${names}")
    endif()
  endforeach()
  list(SORT calls)
  set(${out_var} "${calls}" PARENT_SCOPE)
endfunction()

# Services whose image step (`multiarch image ...` but `image layer`, or `multiarch buildx`)
# was logged, sorted.
function(image_steps_logged work out_var)
  read_calls("${work}" helper lines)
  set(steps "")
  foreach(line IN LISTS lines)
    if(line MATCHES "(^| )image layer ")
      continue()
    elseif(line MATCHES " (image|buildx) " AND line MATCHES "--name ([^ ]+)")
      list(APPEND steps "${CMAKE_MATCH_1}")
    elseif(line MATCHES " (image|buildx) ")
      list(APPEND steps "${line}")
    endif()
  endforeach()
  list(SORT steps)
  set(${out_var} "${steps}" PARENT_SCOPE)
endfunction()

function(expect_equal what actual expected)
  if(NOT "${actual}" STREQUAL "${expected}")
    message(FATAL_ERROR "${what}:\n  expected: [${expected}]\n  actual:   [${actual}]")
  endif()
  message(STATUS "ok: ${what}: [${actual}]")
endfunction()

# Removes a test's work folder unless MULTIARCH_KEEP_TEST_DIRS=1 (failed tests keep theirs).
function(remove_work_dir work)
  if(NOT "$ENV{MULTIARCH_KEEP_TEST_DIRS}" STREQUAL "1")
    file(REMOVE_RECURSE "${work}")
  endif()
endfunction()

# "<name> <platform>" for every layer node (`multiarch image layer`) logged, sorted; the name
# is read from the layer store's path (<build>/multiarch/<name>/layers/<slug>).
function(layer_steps_logged work out_var)
  read_calls("${work}" helper lines)
  set(steps "")
  foreach(line IN LISTS lines)
    if(line MATCHES "(^| )image layer " AND line MATCHES "--binary ([^=]+)=")
      set(platform "${CMAKE_MATCH_1}")
      if(line MATCHES "--output [^ ]*/multiarch/([^/]+)/layers/")
        list(APPEND steps "${CMAKE_MATCH_1} ${platform}")
      endif()
    endif()
  endforeach()
  list(SORT steps)
  set(${out_var} "${steps}" PARENT_SCOPE)
endfunction()
