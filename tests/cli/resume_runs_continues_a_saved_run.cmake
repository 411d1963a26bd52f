# scripts/resume_runs.sh continues a run from its card alone: a run stopped halfway in a runs
# directory, resumed by the script, ends where an uninterrupted run ends.
# cmake -DCLI=nplab-cli -DCONFIG=tiny.json -DWORK=dir -DSCRIPT=resume_runs.sh -P this-file
include(${CMAKE_CURRENT_LIST_DIR}/cli_helpers.cmake)
fresh_directory("${WORK}")
# One thread for every run: partial sums split across threads round differently.
set(ENV{OMP_NUM_THREADS} 1)
file(MAKE_DIRECTORY "${WORK}/runs")
set(run_args train --model cmanp --config ${CONFIG} --data gp-rbf --steps 12 --batch 4 --lr 1e-3
    --clip-norm 0.5 --seed 5 --device cpu)

run_cli(${CLI} ${run_args} --out ${WORK}/straight)
run_cli(${CLI} ${run_args} --out ${WORK}/runs/halfway --stop-after 6)

run_cli(bash ${SCRIPT} --runs ${WORK}/runs --cli ${CLI} --dry-run)
if(NOT CLI_OUTPUT MATCHES "train --out [^ ]*runs/halfway --resume --device auto")
  message(FATAL_ERROR "--dry-run printed an unexpected command:\n${CLI_OUTPUT}")
endif()
file(READ ${WORK}/runs/halfway.json card)
json_number_text("${card}" steps dry_steps)
if(NOT dry_steps EQUAL 6)
  message(FATAL_ERROR "--dry-run trained: the card says ${dry_steps} steps")
endif()

run_cli(bash ${SCRIPT} --runs ${WORK}/runs --cli ${CLI} --wait)
file(READ ${WORK}/straight.json straight)
file(READ ${WORK}/runs/halfway.json resumed)
json_number_text("${straight}" final_loss straight_loss)
json_number_text("${resumed}" final_loss resumed_loss)
json_number_text("${resumed}" steps resumed_steps)
if(NOT resumed_steps EQUAL 12 OR NOT straight_loss STREQUAL resumed_loss)
  message(FATAL_ERROR "uninterrupted: final loss ${straight_loss}; resumed by the script: "
                      "${resumed_loss} after ${resumed_steps} steps")
endif()

# A finished run is left alone and said to be finished.
run_cli(bash ${SCRIPT} --runs ${WORK}/runs --cli ${CLI} --wait)
if(NOT CLI_OUTPUT MATCHES "halfway has finished its schedule")
  message(FATAL_ERROR "a finished run was not reported as finished:\n${CLI_OUTPUT}")
endif()
