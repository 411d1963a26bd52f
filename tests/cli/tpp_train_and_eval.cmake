# Point processes through the CLI: train a tiny THP and CMHP for 2 steps on Hawkes sequences,
# evaluate them (JSON, deterministic under a seed, --write-card), the oracle on the same
# sequences, and an event CSV, whose errors name file:line.
# cmake -DCLI=nplab-cli -DWORK=dir -P tpp_train_and_eval.cmake
include(${CMAKE_CURRENT_LIST_DIR}/cli_helpers.cmake)
fresh_directory("${WORK}")
file(WRITE ${WORK}/tiny_thp.json "{\"layers\": 1, \"d_model\": 16, \"feedforward\": 16}\n")
file(WRITE ${WORK}/tiny_cmhp.json "{\"blocks\": 1, \"d_model\": 16, \"latents\": 4, \"feedforward\": 16}\n")
set(eval_args --data tpp-hawkes --sequences 12 --sequence-length 20 --seed 3 --json --device cpu)

foreach(model thp cmhp)
  run_cli(${CLI} train --model ${model} --config ${WORK}/tiny_${model}.json --data tpp-hawkes
          --steps 2 --batch 4 --sequence-length 20 --device cpu --out ${WORK}/${model})
  run_cli(${CLI} eval --checkpoint ${WORK}/${model}.pt ${eval_args})
  set(first "${CLI_OUTPUT}")
  foreach(key rmse rmse_se nll nll_se mark_accuracy mark_accuracy_se)
    json_number_text("${first}" ${key} value)
  endforeach()
  if(NOT first MATCHES "\"events\":240" OR NOT first MATCHES "\"sequences\":12")
    message(FATAL_ERROR "${model}: expected 12 sequences of 20 events:\n${first}")
  endif()
  run_cli(${CLI} eval --checkpoint ${WORK}/${model}.pt ${eval_args} --write-card)
  if(NOT first STREQUAL CLI_OUTPUT)
    message(FATAL_ERROR "${model}: two evaluations under seed 3 differ:\n${first}\n${CLI_OUTPUT}")
  endif()
  file(READ ${WORK}/${model}.json card)
  string(JSON stored_nll GET "${card}" eval tpp-hawkes nll)
  string(JSON steps GET "${card}" steps)
  if(NOT steps EQUAL 2 OR NOT stored_nll)
    message(FATAL_ERROR "${model}: the card lacks its steps or eval result:\n${card}")
  endif()
endforeach()

run_cli(${CLI} eval --oracle ${eval_args})
json_number_text("${CLI_OUTPUT}" nll oracle_nll)
if(NOT CLI_OUTPUT MATCHES "\"events\":240")
  message(FATAL_ERROR "the oracle scored other events:\n${CLI_OUTPUT}")
endif()

file(WRITE ${WORK}/events.csv "sequence,time,mark\na,0.5,0\na,1.25,2\na,2.0,1\nb,0.1,1\nb,0.7,0\n")
run_cli(${CLI} eval --checkpoint ${WORK}/cmhp.pt --data ${WORK}/events.csv --json --device cpu)
if(NOT CLI_OUTPUT MATCHES "\"events\":5" OR NOT CLI_OUTPUT MATCHES "\"sequences\":2")
  message(FATAL_ERROR "the CSV's 2 sequences of 5 events were not scored:\n${CLI_OUTPUT}")
endif()

file(WRITE ${WORK}/unsorted.csv "sequence,time,mark\na,0.5,0\na,0.25,1\n")
execute_process(COMMAND ${CLI} eval --checkpoint ${WORK}/cmhp.pt --data ${WORK}/unsorted.csv
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(status EQUAL 0 OR NOT err MATCHES "unsorted.csv:3: .*times must increase")
  message(FATAL_ERROR "an unsorted CSV should fail naming unsorted.csv:3, got ${status}:\n${err}")
endif()
message(STATUS "oracle NLL ${oracle_nll}")
