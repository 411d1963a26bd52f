# eval is deterministic under a seed, prints the documented JSON object, and --write-card stores
# exactly the printed numbers in the model card.
# cmake -DCLI=nplab-cli -DCONFIG=tiny.json -DWORK=dir -P eval_is_deterministic.cmake
include(${CMAKE_CURRENT_LIST_DIR}/cli_helpers.cmake)
fresh_directory("${WORK}")
run_cli(${CLI} train --model tnpd --config ${CONFIG} --steps 3 --batch 4 --device cpu
        --out ${WORK}/model)

set(eval_args eval --checkpoint ${WORK}/model.pt --data gp-periodic --batches 4 --batch-size 8
    --seed 5 --json --device cpu)
run_cli(${CLI} ${eval_args})
set(first "${CLI_OUTPUT}")
run_cli(${CLI} ${eval_args} --write-card)
if(NOT first STREQUAL CLI_OUTPUT)
  message(FATAL_ERROR "two runs under seed 5 differ:\n${first}\n${CLI_OUTPUT}")
endif()
foreach(key ctx_ll ctx_ll_se tar_ll tar_ll_se tasks seed)
  json_number_text("${first}" ${key} value)
endforeach()
if(NOT first MATCHES "\"data\":\"gp-periodic\"" OR NOT first MATCHES "\"tasks\":32")
  message(FATAL_ERROR "unexpected eval output: ${first}")
endif()

file(READ ${WORK}/model.json card)
string(JSON stored GET "${card}" eval gp-periodic)
foreach(key ctx_ll ctx_ll_se tar_ll tar_ll_se)
  json_number_text("${first}" ${key} printed)
  string(REGEX MATCH "\"eval\".*\"${key}\": *([-+0-9.eE]+)" match "${card}")
  if(NOT CMAKE_MATCH_1 STREQUAL printed)
    message(FATAL_ERROR "card holds ${key} ${CMAKE_MATCH_1}, eval printed ${printed}")
  endif()
endforeach()
# The .pt holds the same card: evaluating the re-saved checkpoint gives the same numbers.
run_cli(${CLI} ${eval_args})
if(NOT first STREQUAL CLI_OUTPUT)
  message(FATAL_ERROR "the re-saved checkpoint evaluates differently:\n${CLI_OUTPUT}")
endif()
message(STATUS "deterministic: ${first}")
