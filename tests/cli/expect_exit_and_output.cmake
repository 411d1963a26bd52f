# Runs a command and checks both its exit status and its output (stdout and stderr together):
#   cmake -DEXIT=STATUS -DMATCH=REGEX -P expect_exit_and_output.cmake -- COMMAND [ARGS...]
# ctest's PASS_REGULAR_EXPRESSION alone ignores the exit status, so an error path that printed
# the right words and exited 0 (or crashed after printing them) would pass. An argument may not
# hold a semicolon (CMake would split it).
set(command)
set(seen_separator FALSE)
math(EXPR last "${CMAKE_ARGC} - 1")
foreach(i RANGE ${last})
  if(seen_separator)
    list(APPEND command "${CMAKE_ARGV${i}}")
  elseif("${CMAKE_ARGV${i}}" STREQUAL "--")
    set(seen_separator TRUE)
  endif()
endforeach()
if(NOT command OR NOT DEFINED EXIT OR NOT DEFINED MATCH)
  message(FATAL_ERROR "usage: cmake -DEXIT=STATUS -DMATCH=REGEX -P ${CMAKE_CURRENT_LIST_FILE} -- COMMAND...")
endif()
execute_process(COMMAND ${command} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(REPLACE ";" " " shown "${command}")
if(NOT "${status}" STREQUAL "${EXIT}")
  message(FATAL_ERROR "`${shown}` exited with ${status}, expected ${EXIT}:\n${out}${err}")
endif()
if(NOT "${out}${err}" MATCHES "${MATCH}")
  message(FATAL_ERROR "`${shown}` exited with ${status} as expected, but its output does not "
                      "match\n  ${MATCH}\n---\n${out}${err}")
endif()
