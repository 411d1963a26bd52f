# `bench report --quick` writes one CSV per benchmark (each with its header and data rows) and a
# Markdown summary naming every section and the device.
# cmake -DCLI=nplab-cli -DWORK=dir -P bench_report_writes_csvs_and_summary.cmake
include(${CMAKE_CURRENT_LIST_DIR}/cli_helpers.cmake)
fresh_directory("${WORK}")
run_cli(${CLI} bench report --quick --device cpu --out ${WORK}/report)

set(expected_headers
    "cmab.csv=n,update_us,condition_peak_bytes"
    "scale.csv=model,n,condition_s,points_per_s,condition_peak_bytes,state_bytes,update_us,update_prepare_us,targets,query_us,update_query_us,graph_update_prepare_us,status"
    "memory.csv=model,n,targets,peak_bytes,status"
    "update.csv=model,n,new,update_us"
    "attention_cross.csv=mode,n,queries,peak_bytes,output_bytes,seconds,status"
    "attention_self.csv=mode,n,queries,peak_bytes,output_bytes,seconds,status")
foreach(entry ${expected_headers})
  string(REGEX MATCH "^([^=]+)=(.*)$" unused "${entry}")
  set(file ${WORK}/report/${CMAKE_MATCH_1})
  set(header "${CMAKE_MATCH_2}")
  if(NOT EXISTS ${file})
    message(FATAL_ERROR "bench report wrote no ${file}")
  endif()
  file(STRINGS ${file} lines)
  list(LENGTH lines count)
  list(GET lines 0 first)
  if(NOT first STREQUAL header OR count LESS 3)
    message(FATAL_ERROR "${file}: expected the header '${header}' and at least two rows, got:\n${lines}")
  endif()
endforeach()

file(READ ${WORK}/report/summary.md summary)
foreach(section "# NPLab benchmark report" "- device: " "## One CMAB" "## CMANP as the context grows"
        "## Peak memory" "## One-point update" "## TNP-KR kernel attention")
  string(FIND "${summary}" "${section}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "summary.md lacks '${section}':\n${summary}")
  endif()
endforeach()
