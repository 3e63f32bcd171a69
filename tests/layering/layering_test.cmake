# The stage dependency rule of ARCHITECTURE.md, checked on every #include under src/.
#   cmake -DSOURCE_DIR=<repo> -P layering_test.cmake
# Fails naming each file and include that points to a stage the file's stage may not use, an
# include that names no stage, or a stage folder missing from the table below.
#
# Each stage may include itself and the stages listed after it; nothing else.
cmake_minimum_required(VERSION 3.25)
set(allowed_util "")
set(allowed_platform util)
set(allowed_go util platform)
set(allowed_oci util platform)
set(allowed_init util platform go)
set(allowed_image util platform go oci)
set(allowed_publish util platform go oci image)
set(allowed_buildx util platform go oci image)
set(allowed_doctor util platform go oci image publish buildx init)
set(allowed_cli util platform go oci image publish buildx doctor init)
set(stages util platform go oci init image publish buildx doctor cli)

if(NOT SOURCE_DIR)
  message(FATAL_ERROR "usage: cmake -DSOURCE_DIR=<repository> -P layering_test.cmake")
endif()
set(violations "")
file(GLOB stage_dirs LIST_DIRECTORIES true RELATIVE "${SOURCE_DIR}/src" "${SOURCE_DIR}/src/*")
foreach(dir IN LISTS stage_dirs)
  if(IS_DIRECTORY "${SOURCE_DIR}/src/${dir}" AND NOT dir IN_LIST stages)
    string(APPEND violations "src/${dir}/: a stage folder not in the layering table; add it to "
                             "tests/layering/layering_test.cmake and ARCHITECTURE.md\n")
  endif()
endforeach()

set(files_checked 0)
set(includes_checked 0)
file(GLOB_RECURSE sources RELATIVE "${SOURCE_DIR}/src" "${SOURCE_DIR}/src/*.cpp"
     "${SOURCE_DIR}/src/*.hpp" "${SOURCE_DIR}/src/*.hpp.in")
foreach(source IN LISTS sources)
  if(NOT source MATCHES "^([a-z_]+)/")
    continue()  # src/main.cpp sits above every stage
  endif()
  set(stage "${CMAKE_MATCH_1}")
  math(EXPR files_checked "${files_checked} + 1")
  file(STRINGS "${SOURCE_DIR}/src/${source}" lines REGEX "^#include \"")
  foreach(line IN LISTS lines)
    math(EXPR includes_checked "${includes_checked} + 1")
    string(REGEX REPLACE "^#include \"([^\"]+)\".*" "\\1" included "${line}")
    if(NOT included MATCHES "^([a-z_]+)/[^/]+$")
      string(APPEND violations "src/${source}: #include \"${included}\" names no stage folder "
                               "(write \"<stage>/${included}\")\n")
      continue()
    endif()
    set(target "${CMAKE_MATCH_1}")
    if(target STREQUAL stage)
      continue()
    endif()
    if(NOT target IN_LIST allowed_${stage})
      string(APPEND violations "src/${source}: #include \"${included}\": stage '${stage}' may not "
                               "use '${target}' (it may use: ${allowed_${stage}})\n")
    endif()
  endforeach()
endforeach()

if(files_checked LESS 10)
  message(FATAL_ERROR "layering: only ${files_checked} files found under ${SOURCE_DIR}/src")
endif()
if(violations)
  message(FATAL_ERROR "layering: includes that break the stage rule of ARCHITECTURE.md:\n"
                      "${violations}")
endif()
message(STATUS "layering: ${includes_checked} includes in ${files_checked} files follow the rule")
