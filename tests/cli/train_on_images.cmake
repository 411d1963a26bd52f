# Image training sets dim_x 2, dim_y 1 and bound_std in the config; the model then evaluates on
# the unseen classes, also with every pixel of a few images revealed.
# cmake -DCLI=nplab-cli -DCONFIG=tiny.json -DWORK=dir -P train_on_images.cmake
include(${CMAKE_CURRENT_LIST_DIR}/cli_helpers.cmake)
fresh_directory("${WORK}")
run_cli(${CLI} train --model cnp --config ${CONFIG} --data image-fmnist --steps 2 --batch 4
        --device cpu --out ${WORK}/image)
file(READ ${WORK}/image.json card)
string(JSON dim_x GET "${card}" config dim_x)
string(JSON dim_y GET "${card}" config dim_y)
string(JSON bound_std GET "${card}" config bound_std)
string(JSON data GET "${card}" data)
foreach(key model config data steps batch lr seed device wall_seconds steps_per_second final_loss)
  string(JSON ignored GET "${card}" ${key})  # fails the script if the key is missing
endforeach()
if(NOT dim_x EQUAL 2 OR NOT dim_y EQUAL 1 OR NOT bound_std OR NOT data STREQUAL "image-fmnist")
  message(FATAL_ERROR "image config not set: dim_x ${dim_x}, dim_y ${dim_y}, bound_std "
                      "${bound_std}, data ${data}")
endif()
run_cli(${CLI} eval --checkpoint ${WORK}/image.pt --data image-fmnist-unseen --batches 2
        --batch-size 4 --whole-images 3 --json --device cpu)
if(NOT CLI_OUTPUT MATCHES "\"tasks\":8")
  message(FATAL_ERROR "unexpected eval output: ${CLI_OUTPUT}")
endif()
# --whole-images 3: every pixel of three images as context and target.
string(JSON whole_images GET "${CLI_OUTPUT}" whole_image images)
string(JSON whole_rmse GET "${CLI_OUTPUT}" whole_image rmse)
if(NOT whole_images EQUAL 3 OR NOT whole_rmse GREATER 0 OR NOT whole_rmse LESS 1)
  message(FATAL_ERROR "whole-image score missing or out of range: ${CLI_OUTPUT}")
endif()
message(STATUS "image model trained and evaluated: ${CLI_OUTPUT}")
