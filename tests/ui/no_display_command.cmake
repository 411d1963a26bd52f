# Runs the app with no display at all (DISPLAY, WAYLAND_DISPLAY and QT_QPA_PLATFORM unset), as over
# ssh: commands that need no screen must still answer instead of Qt aborting on a missing xcb.
#   -DNPLAB=binary -DWORK=folder
set(no_display ${CMAKE_COMMAND} -E env --unset=DISPLAY --unset=WAYLAND_DISPLAY
               --unset=QT_QPA_PLATFORM)

function(expect_success expected_output)
  execute_process(COMMAND ${no_display} ${NPLAB} ${ARGN} RESULT_VARIABLE code
                  OUTPUT_VARIABLE output ERROR_VARIABLE errors)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "nplab ${ARGN}: exit code ${code}:\n${output}\n${errors}")
  endif()
  if(NOT output MATCHES "${expected_output}")
    message(FATAL_ERROR "nplab ${ARGN}: stdout does not match '${expected_output}':\n${output}")
  endif()
endfunction()

expect_success("Usage: .*--screenshot" --help)
expect_success("Usage: .*--screenshot" -h)
expect_success("nplab [0-9]+\\.[0-9]+" --version)
expect_success("nplab [0-9]+\\.[0-9]+" -v)

set(shot ${WORK}/no-display-memory.png)
file(REMOVE ${shot})
expect_success("" --screenshot ${shot} --view memory --size 800x500)
file(READ ${shot} signature LIMIT 4 HEX)
if(NOT signature STREQUAL "89504e47")
  message(FATAL_ERROR "${shot} is not a PNG (starts with '${signature}')")
endif()
