# Three `eval --write-card` runs of one checkpoint at the same time (background jobs of one shell,
# run at once) each store their result: none overwrites the card with the copy it read at start.
# cmake -DCLI=nplab-cli -DCONFIG=tiny.json -DWORK=dir -P eval_write_card_keeps_concurrent_results.cmake
include(${CMAKE_CURRENT_LIST_DIR}/cli_helpers.cmake)
fresh_directory("${WORK}")
run_cli(${CLI} train --model tnpd --config ${CONFIG} --steps 2 --batch 4 --device cpu
        --out ${WORK}/model)

# The three run as background jobs of one shell; it exits non-zero if any of them does.
set(common "--checkpoint '${WORK}/model.pt' --batches 150 --batch-size 8 --seed 1 --device cpu --write-card")
set(jobs "")
foreach(data gp-rbf gp-matern gp-periodic)
  string(APPEND jobs "'${CLI}' eval --data ${data} ${common} > '${WORK}/${data}.out' 2>&1 & pids=\"$pids $!\"; ")
endforeach()
execute_process(COMMAND sh -c "${jobs} status=0; for pid in $pids; do wait $pid || status=1; done; exit $status"
                RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  foreach(data gp-rbf gp-matern gp-periodic)
    file(READ ${WORK}/${data}.out log)
    string(APPEND logs "${data}:\n${log}\n")
  endforeach()
  message(FATAL_ERROR "a concurrent eval failed:\n${logs}")
endif()

file(READ ${WORK}/model.json card)
foreach(data gp-rbf gp-matern gp-periodic)
  string(JSON tasks ERROR_VARIABLE missing GET "${card}" eval ${data} tasks)
  if(missing OR NOT tasks EQUAL 1200)
    message(FATAL_ERROR "the card lost the ${data} result (${missing}):\n${card}")
  endif()
endforeach()
message(STATUS "all three results kept")
