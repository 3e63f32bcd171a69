# ctest `clang_format`: every tracked C++ source must already be formatted by the repository's
# .clang-format (`clang-format --dry-run -Werror`). Run with
#   cmake -DSOURCE_DIR=... -DCLANG_FORMAT=... -P clang_format_test.cmake
# Fix a failure with: git ls-files '*.cpp' '*.hpp' | xargs clang-format -i
cmake_policy(SET CMP0007 NEW)
if(NOT CLANG_FORMAT)
  if("$ENV{MULTIARCH_SKIP_FORMAT}" STREQUAL "1")
    message(STATUS "MULTIARCH_SKIP_FORMAT=1: clang-format check skipped")
    return()
  endif()
  message(FATAL_ERROR "clang-format not found: apt-get install clang-format "
                      "(or set MULTIARCH_SKIP_FORMAT=1 when configuring and testing)")
endif()
find_program(GIT git REQUIRED)
execute_process(COMMAND ${GIT} ls-files -- *.cpp *.hpp *.cpp.in *.hpp.in
                WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE listed RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "git ls-files failed in ${SOURCE_DIR}")
endif()
string(REPLACE "\n" ";" files "${listed}")
list(FILTER files EXCLUDE REGEX "^$")
list(LENGTH files count)
execute_process(COMMAND ${CLANG_FORMAT} --dry-run -Werror ${files}
                WORKING_DIRECTORY ${SOURCE_DIR} RESULT_VARIABLE rc ERROR_VARIABLE report)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${report}\nclang-format: files above are not formatted; fix with "
                      "`clang-format -i FILE` (.clang-format is in the repository)")
endif()
message(STATUS "clang-format: ${count} files formatted")
