# train --resume continues the same run: 20 steps straight and 10 steps + stop + resume to 20 end
# with the same final loss, the same smoothed loss and the same weights (same evaluation numbers on the same tasks).
# cmake -DCLI=nplab-cli -DCONFIG=tiny.json -DWORK=dir -P resume_matches_uninterrupted.cmake
include(${CMAKE_CURRENT_LIST_DIR}/cli_helpers.cmake)
fresh_directory("${WORK}")
# One thread for every run: partial sums split across threads round differently.
set(ENV{OMP_NUM_THREADS} 1)
set(run_args train --model cmanp --config ${CONFIG} --data gp-rbf --steps 20 --batch 4 --lr 1e-3
    --seed 3 --device cpu)

run_cli(${CLI} ${run_args} --out ${WORK}/straight)
run_cli(${CLI} ${run_args} --out ${WORK}/resumed --stop-after 10)
file(READ ${WORK}/resumed.json halfway)
json_number_text("${halfway}" steps halfway_steps)
if(NOT halfway_steps EQUAL 10)
  message(FATAL_ERROR "--stop-after 10 saved a card with steps ${halfway_steps}")
endif()
run_cli(${CLI} ${run_args} --out ${WORK}/resumed --resume)

file(READ ${WORK}/straight.json straight)
file(READ ${WORK}/resumed.json resumed)
json_number_text("${straight}" final_loss straight_loss)
json_number_text("${resumed}" final_loss resumed_loss)
json_number_text("${resumed}" steps resumed_steps)
if(NOT resumed_steps EQUAL 20 OR NOT straight_loss STREQUAL resumed_loss)
  message(FATAL_ERROR "straight run: final loss ${straight_loss}; resumed run: final loss "
                      "${resumed_loss} after ${resumed_steps} steps")
endif()

# The card's smoothed loss (a moving average kept in the checkpoint) continues exactly too.
json_number_text("${straight}" smoothed_loss straight_smoothed)
json_number_text("${resumed}" smoothed_loss resumed_smoothed)
if(straight_smoothed STREQUAL "" OR NOT straight_smoothed STREQUAL resumed_smoothed)
  message(FATAL_ERROR "smoothed loss: straight run '${straight_smoothed}', resumed run "
                      "'${resumed_smoothed}'")
endif()

# --resume with only --out takes every other setting from the saved run's card (none of run_args
# is the default, so a resume that fell back to the defaults would end elsewhere).
run_cli(${CLI} ${run_args} --out ${WORK}/from_card --stop-after 10)
run_cli(${CLI} train --out ${WORK}/from_card --resume --device cpu)
file(READ ${WORK}/from_card.json from_card)
json_number_text("${from_card}" final_loss from_card_loss)
json_number_text("${from_card}" steps from_card_steps)
if(NOT from_card_steps EQUAL 20 OR NOT straight_loss STREQUAL from_card_loss)
  message(FATAL_ERROR "straight run: final loss ${straight_loss}; resumed with --out alone: "
                      "final loss ${from_card_loss} after ${from_card_steps} steps")
endif()

# A setting that is given must be the saved run's: a different rate is refused, naming both.
execute_process(COMMAND ${CLI} train --out ${WORK}/straight --resume --steps 30 --lr 0.01
                RESULT_VARIABLE status ERROR_VARIABLE err OUTPUT_QUIET)
if(status EQUAL 0 OR NOT err MATCHES "the saved run has --lr 0.001")
  message(FATAL_ERROR "resuming with another --lr: exit ${status}, stderr:\n${err}")
endif()
# Nothing to resume: a clear error instead of a fresh run with the default settings.
execute_process(COMMAND ${CLI} train --out ${WORK}/never_trained --resume
                RESULT_VARIABLE status ERROR_VARIABLE err OUTPUT_QUIET)
if(status EQUAL 0 OR NOT err MATCHES "no saved run there to continue")
  message(FATAL_ERROR "resuming a run that does not exist: exit ${status}, stderr:\n${err}")
endif()

# So does the moving average of the gradient norm.
json_number_text("${straight}" smoothed_grad_norm straight_norm)
json_number_text("${resumed}" smoothed_grad_norm resumed_norm)
if(NOT straight_norm GREATER 0 OR NOT straight_norm STREQUAL resumed_norm)
  message(FATAL_ERROR "smoothed gradient norm: straight run '${straight_norm}', resumed run "
                      "'${resumed_norm}'")
endif()

set(eval_args eval --data gp-rbf --batches 3 --batch-size 4 --seed 1 --json --device cpu)
run_cli(${CLI} ${eval_args} --checkpoint ${WORK}/straight.pt)
set(straight_eval "${CLI_OUTPUT}")
run_cli(${CLI} ${eval_args} --checkpoint ${WORK}/resumed.pt)
if(NOT straight_eval STREQUAL CLI_OUTPUT)
  message(FATAL_ERROR "the weights differ:\n${straight_eval}\n${CLI_OUTPUT}")
endif()
message(STATUS "same final loss ${straight_loss} and same evaluation after resuming")
