# Output that cannot be written (stdout on /dev/full) is an error with a non-zero exit, never a
# silent success. cmake -DCLI=nplab-cli -P output_to_a_full_disk_is_an_error.cmake
if(NOT EXISTS /dev/full)
  message(FATAL_ERROR "this test needs /dev/full (a device whose writes fail with ENOSPC)")
endif()
foreach(command "eval;--oracle;--data;gp-rbf;--batches;2;--json;--device;cpu" "info")
  execute_process(COMMAND ${CLI} ${command} OUTPUT_FILE /dev/full RESULT_VARIABLE status
                  ERROR_VARIABLE err)
  if(status EQUAL 0 OR NOT err MATCHES "writing the output failed")
    message(FATAL_ERROR "`nplab-cli ${command} > /dev/full` exited ${status}: ${err}")
  endif()
endforeach()
