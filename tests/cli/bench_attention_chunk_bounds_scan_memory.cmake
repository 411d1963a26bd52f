# bench attention --chunk: the scan holds one chunk of scores at a time, so a smaller chunk
# needs less peak memory for the same N. cmake -DCLI=nplab-cli -P bench_attention_chunk_bounds_scan_memory.cmake
include(${CMAKE_CURRENT_LIST_DIR}/cli_helpers.cmake)
set(peaks)
foreach(chunk 64 512)
  run_cli(${CLI} bench attention --modes scan --n 2048 --queries 16 --chunk ${chunk} --csv
          --device cpu)
  if(NOT CLI_OUTPUT MATCHES "scan,2048,16,([0-9]+),[0-9]+,[0-9.e+-]+,ok")
    message(FATAL_ERROR "unexpected output for --chunk ${chunk}:\n${CLI_OUTPUT}")
  endif()
  list(APPEND peaks ${CMAKE_MATCH_1})
endforeach()
list(GET peaks 0 small)
list(GET peaks 1 large)
if(NOT small LESS large)
  message(FATAL_ERROR "--chunk 64 peaked at ${small} bytes, --chunk 512 at ${large}")
endif()
message(STATUS "scan peak: ${small} bytes with --chunk 64, ${large} with --chunk 512")
