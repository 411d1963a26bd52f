# Every ```sh block of docs/cli.md runs, in order, as written, in a scratch folder that holds the
# shipped models/ (a link), with the built programs first on PATH: the page cannot rot.
# -DDOC=<docs/cli.md> -DBIN=<folder of nplab-cli> -DMODELS=<models/> -DWORK=<scratch folder>
include(${CMAKE_CURRENT_LIST_DIR}/cli_helpers.cmake)

fresh_directory(${WORK})
file(CREATE_LINK ${MODELS} ${WORK}/models SYMBOLIC)
file(MAKE_DIRECTORY ${WORK}/runs)
file(READ ${DOC} page)
string(REGEX MATCHALL "```sh\n[^`]*```" blocks "${page}")
list(LENGTH blocks count)
if(count LESS 5)
  message(FATAL_ERROR "${DOC}: expected its examples in ```sh blocks, found ${count}")
endif()
set(index 0)
foreach(block IN LISTS blocks)
  math(EXPR index "${index} + 1")
  string(REGEX REPLACE "^```sh\n" "" script "${block}")
  string(REGEX REPLACE "```$" "" script "${script}")
  file(WRITE ${WORK}/example-${index}.sh "set -eu\n${script}")
  execute_process(COMMAND ${CMAKE_COMMAND} -E env "PATH=${BIN}:$ENV{PATH}" OMP_NUM_THREADS=1
                          sh ${WORK}/example-${index}.sh
                  WORKING_DIRECTORY ${WORK} RESULT_VARIABLE status OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "docs/cli.md example ${index} failed (exit ${status}):\n${script}\n"
                        "--- output:\n${out}\n--- errors:\n${err}")
  endif()
endforeach()
message(STATUS "ran ${count} example blocks of ${DOC}")
