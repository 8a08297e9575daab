# End to end: the real executable's version, help, render and error paths.
# cmake -DAPP=... -DWORK=... -DDATA=... -P cli_test.cmake
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

function(run_app expect_code)
  execute_process(COMMAND ${APP} ${ARGN} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err
                  WORKING_DIRECTORY ${WORK} TIMEOUT 300)
  if(NOT code EQUAL expect_code)
    message(FATAL_ERROR "scorescope ${ARGN}: exit ${code}, expected ${expect_code}\nstdout: ${out}\nstderr: ${err}")
  endif()
  set(OUT "${out}${err}" PARENT_SCOPE)
endfunction()

function(expect_contains text)
  string(FIND "${OUT}" "${text}" pos)
  if(pos EQUAL -1)
    message(FATAL_ERROR "expected output to contain '${text}', got:\n${OUT}")
  endif()
endfunction()

run_app(0 --version)
expect_contains("ScoreScope")
expect_contains("LibTorch 1.")
expect_contains("device: cpu")

run_app(0 --help)
foreach(sub train sample nll render bench)
  expect_contains("${sub}")
endforeach()

run_app(0 render --help)
expect_contains("--sigma-max")
expect_contains("--beta-min")

run_app(1 sample)
expect_contains("not yet available")

# Training end to end: a short run writes a checkpoint and ends with one JSON object.
run_app(0 train --data 8gaussians --steps 60 --batch 128 --out model.pt --json)
expect_contains("\"steps\":60")
expect_contains("\"final_loss\"")
if(NOT EXISTS ${WORK}/model.pt)
  message(FATAL_ERROR "train did not write model.pt")
endif()
# The learned (from the checkpoint) and exact score fields on a render.
run_app(0 render --data 8gaussians --t 0.3 --field both --model model.pt --size 320x200 --out field.png)
run_app(1 render --field learned --out nomodel.png)
expect_contains("--model")
run_app(1 render --field both --model shot.png --out badmodel.png)
expect_contains("shot.png")

run_app(1 train --steps 10 --lr -1 --out never.pt)
expect_contains("lr")
run_app(1 train --steps 50 --lr 1e6 --warmup 0 --clip 0 --out never.pt)
expect_contains("diverged")
if(EXISTS ${WORK}/never.pt)
  message(FATAL_ERROR "a failed training run wrote a checkpoint")
endif()

# A render: the PNG exists with the asked size (PNG header: width, height big-endian).
run_app(0 render --data 8gaussians --sde vp --t 0.3 --size 320x200 --out shot.png)
file(READ ${WORK}/shot.png header LIMIT 24 HEX)
string(SUBSTRING "${header}" 32 8 w)
string(SUBSTRING "${header}" 40 8 h)
if(NOT w STREQUAL "00000140" OR NOT h STREQUAL "000000c8")
  message(FATAL_ERROR "shot.png is ${w}x${h} (hex), expected 320x200")
endif()

# VE prints the σmax it derived from the data.
run_app(0 render --data moons --sde ve --t 1 --size 64x64 --out ve.png)
expect_contains("sigma_max")

# Bad input: clear messages, no output file, exit 1.
run_app(1 render --data nope --out bad.png)
expect_contains("8gaussians")
run_app(1 render --sde ve --sigma-min 0.5 --sigma-max 0.1 --out bad.png)
expect_contains("sigma_min")
run_app(1 render --beta-min -1 --out bad.png)
expect_contains("beta_min")
run_app(1 render --size 10x10000000 --out bad.png)
expect_contains("--size")
run_app(1 render --data ${DATA}/does-not-exist.csv --out bad.png)
expect_contains("does-not-exist.csv")
if(EXISTS ${WORK}/bad.png)
  message(FATAL_ERROR "a failed render left bad.png behind")
endif()

# Runs the app under a changed environment and expects exit code 2 and a message naming `text`.
function(expect_exit2 what text)
  cmake_parse_arguments(ARG "" "" "ENV" ${ARGN})
  execute_process(COMMAND ${CMAKE_COMMAND} -E env ${ARG_ENV} ${APP} render --size 64x64 --out exit2.png
                  RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err WORKING_DIRECTORY ${WORK})
  if(NOT code EQUAL 2)
    message(FATAL_ERROR "${what}: exit ${code}, expected 2\n${out}${err}")
  endif()
  string(FIND "${err}" "${text}" pos)
  if(pos EQUAL -1)
    message(FATAL_ERROR "${what}: expected a message naming '${text}', got: ${err}")
  endif()
endfunction()

# No display, or no OpenGL 3.3 (Mesa told to offer 3.0 only): one line and exit 2, not a crash.
expect_exit2("without a display" "display" ENV --unset=DISPLAY --unset=WAYLAND_DISPLAY)
expect_exit2("without OpenGL 3.3" "OpenGL 3.3" ENV MESA_GL_VERSION_OVERRIDE=3.0)

# The GUI itself (tier 4): opens on the default scene, runs 30 frames, saves its window.
run_app(0 --frames 60 --train --screenshot gui.png)
if(NOT EXISTS ${WORK}/gui.png)
  message(FATAL_ERROR "the GUI did not save gui.png")
endif()
message(STATUS "gui smoke ok")
