# train --resume continues a point-process run as it does an NP run: 8 steps straight and 4 steps
# + stop + eval --write-card + resume (with --out alone) to 8 end with the same final loss,
# smoothed loss and weights (the same evaluation numbers), the card finished; resuming the
# finished run says so, a contradicting setting and a damaged checkpoint are clear errors.
# cmake -DCLI=nplab-cli -DWORK=dir -P tpp_resume_matches_uninterrupted.cmake
include(${CMAKE_CURRENT_LIST_DIR}/cli_helpers.cmake)
fresh_directory("${WORK}")
set(ENV{OMP_NUM_THREADS} 1)  # partial sums split across threads round differently
file(WRITE ${WORK}/tiny.json "{\"blocks\": 1, \"d_model\": 16, \"latents\": 4, \"feedforward\": 16}\n")
set(run_args train --model cmhp --config ${WORK}/tiny.json --data tpp-hawkes --steps 8 --batch 3
    --sequence-length 16 --marks 2 --lr 3e-3 --seed 5 --device cpu)

run_cli(${CLI} ${run_args} --out ${WORK}/straight)
run_cli(${CLI} ${run_args} --out ${WORK}/resumed --stop-after 4)
file(READ ${WORK}/resumed.json halfway)
json_number_text("${halfway}" steps halfway_steps)
if(NOT halfway_steps EQUAL 4 OR NOT halfway MATCHES "\"finished\": false")
  message(FATAL_ERROR "--stop-after 4 saved a card with steps ${halfway_steps}:\n${halfway}")
endif()
# Evaluating the unfinished run into its card keeps what resuming needs.
run_cli(${CLI} eval --checkpoint ${WORK}/resumed.pt --data tpp-hawkes --sequences 4
        --sequence-length 16 --seed 2 --write-card --device cpu)
execute_process(COMMAND ${CLI} train --out ${WORK}/resumed --resume --device cpu
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status EQUAL 0 OR NOT err MATCHES "from step 4 to 8" OR err MATCHES "no optimizer state")
  message(FATAL_ERROR "resuming with --out alone: exit ${status}, stderr:\n${err}")
endif()

file(READ ${WORK}/straight.json straight)
file(READ ${WORK}/resumed.json resumed)
foreach(key final_loss smoothed_loss smoothed_grad_norm)
  json_number_text("${straight}" ${key} straight_value)
  json_number_text("${resumed}" ${key} resumed_value)
  if(NOT straight_value STREQUAL resumed_value)
    message(FATAL_ERROR "${key}: straight run ${straight_value}, resumed run ${resumed_value}")
  endif()
endforeach()
json_number_text("${resumed}" steps resumed_steps)
if(NOT resumed_steps EQUAL 8 OR NOT resumed MATCHES "\"finished\": true")
  message(FATAL_ERROR "the resumed run's card:\n${resumed}")
endif()

set(eval_args eval --data tpp-hawkes --sequences 6 --sequence-length 16 --seed 1 --json --device cpu)
run_cli(${CLI} ${eval_args} --checkpoint ${WORK}/straight.pt)
set(straight_eval "${CLI_OUTPUT}")
run_cli(${CLI} ${eval_args} --checkpoint ${WORK}/resumed.pt)
if(NOT straight_eval STREQUAL CLI_OUTPUT)
  message(FATAL_ERROR "the weights differ:\n${straight_eval}\n${CLI_OUTPUT}")
endif()

execute_process(COMMAND ${CLI} train --out ${WORK}/resumed --resume --device cpu
                RESULT_VARIABLE status ERROR_VARIABLE err OUTPUT_QUIET)
if(NOT status EQUAL 0 OR NOT err MATCHES "already trained for 8 steps; nothing to do")
  message(FATAL_ERROR "resuming a finished run: exit ${status}, stderr:\n${err}")
endif()
execute_process(COMMAND ${CLI} train --out ${WORK}/straight --resume --steps 12 --lr 0.01
                RESULT_VARIABLE status ERROR_VARIABLE err OUTPUT_QUIET)
if(status EQUAL 0 OR NOT err MATCHES "the saved run has --lr 0.003")
  message(FATAL_ERROR "resuming with another --lr: exit ${status}, stderr:\n${err}")
endif()
file(WRITE ${WORK}/damaged.pt "PK not really an archive")
execute_process(COMMAND ${CLI} train --model cmhp --out ${WORK}/damaged.pt --resume --device cpu
                RESULT_VARIABLE status ERROR_VARIABLE err OUTPUT_QUIET)
if(status EQUAL 0 OR NOT err MATCHES "checkpoint [^\n]*damaged.pt: not a readable checkpoint archive")
  message(FATAL_ERROR "resuming a damaged checkpoint: exit ${status}, stderr:\n${err}")
endif()
message(STATUS "same final loss and evaluation after resuming a point-process run")
