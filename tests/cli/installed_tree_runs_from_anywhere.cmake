# `cmake --install` into a DESTDIR with prefix /usr, as the Debian package lays it out, then the
# installed programs run from another working directory: LibTorch comes from the tree's
# lib/nplab (not the build's venv), and the app finds the shipped models in share/nplab/models.
# -DBUILD=<build dir> -DWORK=<scratch dir> -DGUI=ON|OFF
include(${CMAKE_CURRENT_LIST_DIR}/cli_helpers.cmake)

fresh_directory(${WORK})
set(root ${WORK}/root)
execute_process(COMMAND ${CMAKE_COMMAND} -E env DESTDIR=${root}
                        ${CMAKE_COMMAND} --install ${BUILD} --prefix /usr
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "install failed (${status}):\n${out}\n${err}")
endif()
foreach(file bin/nplab-cli lib/nplab/libtorch_cpu.so lib/nplab/libc10.so
        share/nplab/models/cmanp.pt share/nplab/models/cmanp.json)
  if(NOT EXISTS ${root}/usr/${file})
    message(FATAL_ERROR "not installed: usr/${file}")
  endif()
endforeach()

# From a directory that holds no models and no build.
set(elsewhere ${WORK}/elsewhere)
file(MAKE_DIRECTORY ${elsewhere})
execute_process(COMMAND ldd ${root}/usr/bin/nplab-cli OUTPUT_VARIABLE libraries)
string(REGEX MATCH "libtorch_cpu.so => ([^ ]+)" torch "${libraries}")
get_filename_component(loaded "${CMAKE_MATCH_1}" REALPATH)
get_filename_component(installed "${root}/usr/lib/nplab/libtorch_cpu.so" REALPATH)
if(NOT loaded STREQUAL installed)
  message(FATAL_ERROR "the installed nplab-cli loads LibTorch from ${loaded}, not ${installed}")
endif()
execute_process(COMMAND ${root}/usr/bin/nplab-cli info WORKING_DIRECTORY ${elsewhere}
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status EQUAL 0 OR NOT out MATCHES "libtorch 2")
  message(FATAL_ERROR "installed nplab-cli info failed (${status}):\n${out}\n${err}")
endif()

if(GUI)
  foreach(file bin/nplab share/applications/nplab.desktop
          share/icons/hicolor/scalable/apps/nplab.svg share/nplab/examples/ring.nplab.json
          share/nplab/examples/images/ring.png)
    if(NOT EXISTS ${root}/usr/${file})
      message(FATAL_ERROR "not installed: usr/${file}")
    endif()
  endforeach()
  # --model names a shipped checkpoint: it is offered only if the installed models were found.
  execute_process(COMMAND ${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen
                          ${root}/usr/bin/nplab --screenshot ${WORK}/functions.png
                          --model cmanp.pt --size 800x600
                  WORKING_DIRECTORY ${elsewhere}
                  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 0 OR NOT EXISTS ${WORK}/functions.png)
    message(FATAL_ERROR "installed nplab --screenshot failed (${status}):\n${out}\n${err}")
  endif()
  # An installed example opens: its image beside it and its checkpoint among the installed models.
  execute_process(COMMAND ${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen
                          ${root}/usr/bin/nplab --session ${root}/usr/share/nplab/examples/ring.nplab.json
                          --screenshot ${WORK}/ring.png --size 800x600
                  WORKING_DIRECTORY ${elsewhere}
                  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 0 OR NOT EXISTS ${WORK}/ring.png)
    message(FATAL_ERROR "installed example session failed (${status}):\n${out}\n${err}")
  endif()
endif()
file(REMOVE_RECURSE ${root})  # LibTorch is 430 MB
