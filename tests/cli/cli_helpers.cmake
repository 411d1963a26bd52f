# Helpers for the CLI test scripts (cmake -P): run a command and fail with its output on error.

function(run_cli)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 0)
    string(REPLACE ";" " " command "${ARGN}")
    message(FATAL_ERROR "`${command}` exited with ${status}:\n${out}\n${err}")
  endif()
  set(CLI_OUTPUT "${out}" PARENT_SCOPE)
endfunction()

# The text of a top-level number in a JSON document, exactly as written (no reformatting).
function(json_number_text json key result)
  string(REGEX MATCH "\"${key}\": *([-+0-9.eE]+)" match "${json}")
  if(NOT match)
    message(FATAL_ERROR "no number \"${key}\" in:\n${json}")
  endif()
  set(${result} "${CMAKE_MATCH_1}" PARENT_SCOPE)
endfunction()

function(fresh_directory path)
  file(REMOVE_RECURSE "${path}")
  file(MAKE_DIRECTORY "${path}")
endfunction()
