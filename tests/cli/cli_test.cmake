# End to end: the real executable's version, help, render and error paths.
# cmake -DAPP=... -DWORK=... -DDATA=... -P cli_test.cmake
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

include(${CMAKE_CURRENT_LIST_DIR}/cli_common.cmake)

# The PNG in WORK has this width and height (the IHDR chunk: big-endian, after the signature).
function(expect_png_size file width height)
  file(READ ${WORK}/${file} header LIMIT 24 HEX)
  string(SUBSTRING "${header}" 32 8 w)
  string(SUBSTRING "${header}" 40 8 h)
  math(EXPR w "0x${w}")
  math(EXPR h "0x${h}")
  if(NOT w EQUAL width OR NOT h EQUAL height)
    message(FATAL_ERROR "${file} is ${w}x${h}, expected ${width}x${height}")
  endif()
endfunction()

run_app(0 --version)
expect_contains("ScoreScope")
expect_contains("LibTorch 1.")
expect_contains("device: cpu")

run_app(0 --help)
foreach(sub train sample nll render interpolate)
  expect_contains("${sub}")
endforeach()
# The benchmarks are programs and scripts of their own (bench/README.md), not a subcommand.
run_app(109 bench)

run_app(0 render --help)
expect_contains("--sigma-max")
expect_contains("--beta-min")

# Sampling and likelihood with the exact score: real numbers, checked against the floors.
run_app(1 sample)
expect_contains("--model")
run_app(0 sample --score exact --data 8gaussians --n 3000 --steps 300 --metrics --json --out samples.csv)
string(REGEX MATCH "{[^\n]*}[ \n]*$" json "${OUT}")
string(JSON sw2 GET "${json}" sw2)
string(JSON floor GET "${json}" sw2_floor)
string(JSON nll GET "${json}" nll_true)
string(JSON entropy GET "${json}" entropy)
string(JSON nfe GET "${json}" nfe)
if(NOT nfe EQUAL 300)
  message(FATAL_ERROR "sample: nfe ${nfe}, expected 300")
endif()
# awk does the float comparisons (CMake's math is integer-only).
execute_process(COMMAND awk "BEGIN { d = ${nll} - ${entropy}; exit !(${sw2} <= 2.5 * ${floor} && d <= 0.08 && d >= -0.08) }"
                RESULT_VARIABLE bad)
if(bad)
  message(FATAL_ERROR "sample metrics off: sw2 ${sw2} (floor ${floor}), nll_true ${nll} vs entropy ${entropy}")
endif()
file(STRINGS ${WORK}/samples.csv rows)
list(LENGTH rows nrows)
if(NOT nrows EQUAL 3001)
  message(FATAL_ERROR "samples.csv has ${nrows} lines, expected a header and 3000 rows")
endif()
run_app(0 sample --score exact --data moons --sampler ode --n 500 --metrics)
expect_contains("nll_true: not available")
run_app(1 sample --score exact --sde subvp --sampler ddpm)
expect_contains("ancestral")
run_app(1 sample --score exact --steps 0)
expect_contains("steps")
run_app(1 sample --score exact --sampler nope)
expect_contains("euler_a")
run_app(1 sample --score exact --predictor leapfrog)
expect_contains("reverse-diffusion")
# The field's solvers (docs/SAMPLERS.md): their default grid, and settings that mean nothing.
run_app(0 sample --score exact --sampler dpmpp_2m --n 500 --metrics)
expect_contains("20 steps on the logsnr grid")
run_app(0 sample --score exact --solver ddim --n 500)  # --solver takes the preset's steps too
expect_contains("ddim, 20 steps on the uniform grid")
run_app(1 sample --score exact --sampler ddim --eta -0.5)
expect_contains("eta (-0.5) must be a number >= 0")
run_app(105 sample --score exact --sampler edm_heun --rho 0)  # CLI11's validation error
expect_contains("--rho: must be a finite number above 0")
run_app(1 sample --score exact --sampler pc --schedule karras)
expect_contains("take no schedule")
run_app(1 sample --score exact --sampler ode --schedule logsnr)
expect_contains("rk45 chooses its own steps")
run_app(1 sample --score exact --sampler dpmpp_2m --churn 2)
expect_contains("churn applies to the edm-heun solver only")
# The solver lab (docs/SAMPLERS.md): JSON with each solver's measured order, its plot, and
# what it refuses.
run_app(0 solvers --solvers euler,dpmpp_2m --nfe 10,20,40 --particles 400 --out lab.json
        --plot lab.png --size 640x300)
file(READ ${WORK}/lab.json lab)
string(JSON order GET "${lab}" solvers 1 measured_order)
string(JSON solver GET "${lab}" solvers 1 solver)
string(JSON ref GET "${lab}" reference nfe)
if(NOT solver STREQUAL "dpmpp_2m" OR NOT order GREATER 1.5 OR NOT ref GREATER 100)
  message(FATAL_ERROR "solver lab: ${solver} order ${order}, reference NFE ${ref}:\n${lab}")
endif()
expect_png_size(lab.png 640 300)
run_app(1 solvers --solvers euler,pc)
expect_contains("solver 'pc' is not a fixed-step PF-ODE solver")
run_app(1 solvers --nfe 10,x)
expect_contains("--nfe: 'x' is not a whole number")
run_app(1 solvers --N 100)
expect_contains("--N means nothing to the solver lab")
run_app(1 solvers --plot lab.gif)
expect_contains("--plot writes a PNG")
run_app(1 solvers --data moons --reference-tol 0.5)
expect_contains("reference tolerance (0.5)")
run_app(1 sample --model missing.pt)
expect_contains("missing.pt")
run_app(0 sample --help)
foreach(name euler heun euler_a ald ddpm)
  expect_contains("${name}")
endforeach()

run_app(0 nll --score exact --data 8gaussians --n 400 --json)
string(REGEX MATCH "{[^\n]*}[ \n]*$" json "${OUT}")
string(JSON gap GET "${json}" gap)
execute_process(COMMAND awk "BEGIN { g = ${gap}; exit !(g < 0.01 && g > -0.01) }" RESULT_VARIABLE bad)
if(bad)
  message(FATAL_ERROR "nll with the exact score is ${gap} nats off the true NLL")
endif()
run_app(1 nll --score exact --divergence trace)
expect_contains("hutchinson")

# Training end to end: a short run writes a checkpoint and ends with one JSON object.
run_app(0 train --data 8gaussians --steps 60 --batch 128 --out model.pt --json)
expect_contains("\"steps\":60")
expect_contains("\"final_loss\"")
if(NOT EXISTS ${WORK}/model.pt)
  message(FATAL_ERROR "train did not write model.pt")
endif()
# --from continues a checkpoint (weights, Adam, EMA, RNG, step): 30 + 30 steps sample as the
# 60-step run does; optimizer and loss flags replace its settings, model and data flags are
# refused, and a failed continuation writes nothing.
run_app(0 train --data 8gaussians --steps 30 --batch 128 --out half.pt)
run_app(0 train --from half.pt --steps 30 --out resumed.pt --json)
expect_contains("\"steps\":60")
expect_contains("\"from\":\"half.pt\"")
run_app(0 sample --model model.pt --sampler ode --n 50 --seed 3 --out straight.csv)
run_app(0 sample --model resumed.pt --sampler ode --n 50 --seed 3 --out resumed.csv)
file(READ ${WORK}/straight.csv straight)
file(READ ${WORK}/resumed.csv resumed)
if(NOT straight STREQUAL resumed)
  message(FATAL_ERROR "30 + 30 steps with --from do not sample as one 60-step run")
endif()
run_app(0 train --from half.pt --steps 20 --weighting g2 --importance-sampling --lr 1e-3
        --out g2.pt --json)
expect_contains("\"steps\":50")
foreach(flag "--data;moons" "--width;64" "--sde;ve" "--seed;4")
  run_app(1 train --from half.pt ${flag} --steps 5 --out never.pt)
  list(GET flag 0 name)
  expect_contains("${name} describes the model or its data, which --from takes from half.pt")
endforeach()
run_app(1 train --from half.pt --weighting sigma3 --steps 5 --out never.pt)
expect_contains("--weighting")
run_app(1 train --from missing.pt --steps 5 --out never.pt)
expect_contains("missing.pt")
if(EXISTS ${WORK}/never.pt)
  message(FATAL_ERROR "a refused --from run wrote a checkpoint")
endif()
# The learned (from the checkpoint) and exact score fields on a render.
run_app(0 render --data 8gaussians --t 0.3 --field both --model model.pt --size 320x200 --out field.png)
# The checkpoint's model samples and gives a likelihood (its data and SDE come with it).
run_app(0 sample --model model.pt --sampler ode --n 300 --json)
expect_contains("\"nfe\"")
run_app(0 nll --model model.pt --n 100 --json)
expect_contains("\"nll\"")
# With --model the SDE is the model's: --eps moves the sampling grid's end, shape flags are refused.
run_app(0 sample --model model.pt --steps 50 --n 100 --eps 1e-3 --json)
expect_contains("\"eps\":0.001")
run_app(0 sample --model model.pt --steps 50 --n 100 --json)
expect_contains("\"eps\":1e-05")
run_app(1 sample --model model.pt --beta-max 10 --n 10)
expect_contains("--beta-max cannot apply with --model")
# Every subcommand that evaluates a score takes --score exact or --model FILE, not both.
run_app(0 render --score exact --data 8gaussians --t 0.3 --field exact --size 320x200 --out exact.png)
run_app(1 render --score exact --model model.pt --size 320x200 --out both.png)
expect_contains("choose one of --model FILE (a checkpoint or TorchScript model) or --score exact")
run_app(1 render --score learned --size 320x200 --out bad.png)
expect_contains("unknown --score 'learned'")
run_app(1 interpolate --data fashion-mnist --score exact --model model.pt)
expect_contains("choose one of --model FILE (a checkpoint or TorchScript model) or --score exact")
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
# A loss grown by orders of magnitude is divergence too, with the default warm-up and
# clipping (the loss stays finite); a given 0 is refused, never replaced by the default.
foreach(lr 10 1000)
  run_app(1 train --data moons --lr ${lr} --steps 300 --out never.pt)
  expect_contains("diverged at step")
  expect_contains("Try a smaller --lr")
endforeach()
run_app(1 train --steps 10 --lr 0 --out never.pt)
expect_contains("--lr must be a positive number")
run_app(1 train --steps 10 --batch 0 --out never.pt)
expect_contains("--batch must be at least 1")
if(EXISTS ${WORK}/never.pt)
  message(FATAL_ERROR "a failed training run wrote a checkpoint")
endif()

# A checkpoint whose description says width 64 while its weights are 128 wide: refused
# with a message naming the record, exit 1, no abort (tests/cli/doctor_checkpoint.py).
if(PYTHON)
  run_app(0 train --data moons --steps 5 --width 128 --out wide.pt)
  execute_process(COMMAND ${PYTHON} ${CMAKE_CURRENT_LIST_DIR}/doctor_checkpoint.py
                          ${WORK}/wide.pt ${WORK}/bad.pt RESULT_VARIABLE code)
  if(NOT code EQUAL 0)
    message(FATAL_ERROR "doctor_checkpoint.py failed")
  endif()
  run_app(1 sample --model bad.pt --n 100)
  expect_contains("bad.pt: record 'net.hidden0.weight' has shape [128, 34]")
endif()

# A render: the PNG exists with the asked size (PNG header: width, height big-endian).
run_app(0 render --data 8gaussians --sde vp --t 0.3 --size 320x200 --out shot.png)
expect_png_size(shot.png 320 200)

# Compare mode: the SDE and ODE panes from one prior draw in one PNG of the asked size, with
# each pane's metrics printed; a bad pane list is refused and writes nothing.
run_app(0 render --mode compare --compare sde:pc,ode:rk45 --particles 2000 --steps 200 --size 480x200 --out compare.png)
expect_contains("pane 2 (PF-ODE")
expect_contains("sw2")
expect_png_size(compare.png 480 200)
run_app(1 render --mode compare --compare sde:rk45,ode:rk45 --out badcompare.png)
expect_contains("--compare")
if(EXISTS ${WORK}/badcompare.png)
  message(FATAL_ERROR "a failed compare render left badcompare.png behind")
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
# --window sets the window's size (the screenshot is the window); a bad size is refused.
run_app(0 --frames 10 --window 1280x800 --ui-scale 1.75 --screenshot gui-1280.png)
expect_png_size(gui-1280.png 1280 800)
run_app(1 --window 1280by800 --frames 1)
expect_contains("--window '1280by800': expected WIDTHxHEIGHT")

# Classifier guidance toward one component of a mixture, with the exact posterior.
run_app(0 sample --score exact --data 8gaussians --class 2 --n 500 --steps 300 --metrics --json)
string(REGEX MATCH "{[^\n]*}[ \n]*$" json "${OUT}")
string(JSON w2 GET "${json}" mode_weights 2)
execute_process(COMMAND awk "BEGIN { exit !(${w2} > 0.95) }" RESULT_VARIABLE bad)
if(bad)
  message(FATAL_ERROR "guided sampling toward class 2: its mode weight is ${w2}")
endif()
run_app(1 sample --score exact --data moons --class 0)
expect_contains("mixture")
# A scene guided by a trained classifier: render trains one first, as the GUI would (it used
# to render such scenes unguided), and refuses a class the data does not have.
file(WRITE ${WORK}/guided.json [=[{"format": "scorescope-scene", "version": 1,
  "data": {"name": "8gaussians", "n": 2000, "seed": 0}, "mode": "sde", "use_model": false,
  "sampler": {"preset": "pc", "steps": 200}, "time": {"t": 0.0},
  "guidance": {"class": 2, "scale": 1.0, "classifier": "trained"}}]=])
run_app(0 render --scene guided.json --out guided.png --size 320x240)
expect_contains("training a classifier on 8gaussians")
expect_contains("guiding toward class 2; classifier held-out accuracy")
expect_png_size(guided.png 320 240)
file(WRITE ${WORK}/guided9.json [=[{"format": "scorescope-scene", "version": 1,
  "data": {"name": "8gaussians", "n": 500, "seed": 0}, "mode": "sde", "use_model": false,
  "sampler": {"preset": "pc", "steps": 50}, "guidance": {"class": 9, "classifier": "trained"}}]=])
run_app(1 render --scene guided9.json --out guided9.png)
expect_contains("outside the 8 classes")
run_app(1 sample --score exact --data 8gaussians --class 8)
expect_contains("outside")

# Images (Fashion-MNIST from dataset-fashion-mnist, which scripts/deps installs).
if(EXISTS /usr/share/datasets/fashion-mnist)
  # The exact empirical score memorizes: inpainting the left half of a training image gives
  # that image back, known pixels exact.
  run_app(0 sample --data fashion-mnist --score exact --limit 100 --n 4 --inpaint-index 7
          --mask-preset left-half --out inpaint.png --json)
  string(REGEX MATCH "{[^\n]*}[ \n]*$" json "${OUT}")
  string(JSON known GET "${json}" known_max_error)
  string(JSON nearest GET "${json}" nearest_training_rms)
  execute_process(COMMAND awk "BEGIN { exit !(${known} == 0 && ${nearest} < 0.05) }" RESULT_VARIABLE bad)
  if(bad)
    message(FATAL_ERROR "image inpainting: known pixels off by ${known}, nearest training image ${nearest}")
  endif()
  if(NOT EXISTS ${WORK}/inpaint.png)
    message(FATAL_ERROR "sample --out inpaint.png wrote nothing")
  endif()
  run_app(1 sample --data fashion-mnist --score exact --limit 10 --colorize-index 0)
  expect_contains("RGB")
  run_app(1 sample --data fashion-mnist --score exact --limit 10 --inpaint-index 0 --mask-preset nope)
  expect_contains("left-half")
  run_app(1 sample --data fashion-mnist --score exact --limit 10 --inpaint-index 99)
  expect_contains("outside")
  run_app(1 nll --data fashion-mnist --score exact --limit 10)
  expect_contains("--model")
  # A U-Net trains, samples and gives bits/dim (a few steps: the pipeline, not the quality).
  run_app(0 train --data fashion-mnist --limit 256 --steps 5 --out unet.pt --json)
  expect_contains("\"steps\":5")
  run_app(0 sample --model unet.pt --n 2 --steps 20 --out unet.png --json)
  expect_contains("learned U-Net")
  # --metrics on images: the total variation against the held-out images' (median 0.150) and
  # the Fréchet distance with its floor (2 samples: present, not meaningful; core tests check it).
  run_app(0 sample --model unet.pt --n 2 --steps 20 --metrics --json)
  expect_json("sample --metrics on images"
              "@tv_real_median@ > 0.14 && @tv_real_median@ < 0.16 && @speckle_tiles@ >= 0 && @speckle_tiles@ <= 2 && @fd@ >= 0 && @fd_floor@ >= 0"
              tv_real_median speckle_tiles fd fd_floor)
  run_app(1 train --data moons --steps 5 --precondition edm --out m.pt)
  expect_contains("applies to the image U-Net")
  run_app(0 nll --model unet.pt --n 2 --rtol 1e-3 --atol 1e-3 --json)
  expect_contains("bits_per_dim")
  # The latent interpolation strip with the exact score: 5 frames between images 0 and 3 in
  # one PNG row (5 frames + the 2 sources: 7 tiles of 28 pixels with 2-pixel pads = 212 × 32),
  # the ends back within 1e-3 of their sources.
  run_app(0 interpolate --data fashion-mnist --limit 20 --a 0 --b 3 --frames 5 --out strip.png --json)
  expect_json("interpolate"
              "@frames@ == 5 && @nfe@ > 0 && @roundtrip_error@ >= 0 && @roundtrip_error@ < 1e-3 && @wall_s@ > 0"
              frames nfe roundtrip_error wall_s)
  if(NOT EXISTS ${WORK}/strip.png)
    message(FATAL_ERROR "interpolate --out strip.png wrote nothing")
  endif()
  expect_png_size(strip.png 212 32)
  run_app(1 interpolate --data fashion-mnist --limit 20 --a 0 --b 20 --out nostrip.png)
  expect_contains("outside")
  run_app(1 interpolate --data fashion-mnist --limit 20 --frames 1 --out nostrip.png)
  expect_contains("frames")
  if(EXISTS ${WORK}/nostrip.png)
    message(FATAL_ERROR "a failed interpolate left nostrip.png behind")
  endif()
  # Class guidance on images: a classifier trains first (a few steps here: the pipeline) and
  # its class name and held-out accuracy come back in the JSON; a class past the ten fails.
  run_app(0 sample --data fashion-mnist --score exact --limit 200 --class 1 --guidance 2 --classifier-steps 20
          --n 2 --steps 20 --json)
  expect_contains("\"class_name\":\"Trouser\"")
  expect_contains("\"accuracy\":[")
  expect_contains("guidance to class 2")
  run_app(1 sample --data fashion-mnist --score exact --limit 200 --class 10 --classifier-steps 2 --n 2 --steps 2)
  expect_contains("outside the 10 classes of fashion-mnist")
  # An image scene with a compare pane and an interpolation strip renders both headless.
  file(WRITE ${WORK}/img-scene.json "{\"format\": \"scorescope-scene\", \"version\": 1,
    \"data\": {\"name\": \"fashion-mnist\", \"n\": 4, \"seed\": 0},
    \"sampler\": {\"preset\": \"pc\", \"steps\": 50},
    \"images\": {\"limit\": 20, \"n\": 4, \"compare\": \"ode\",
                 \"interpolate\": {\"a\": 0, \"b\": 1, \"frames\": 3, \"method\": \"linear\"}}}")
  run_app(0 render --scene img-scene.json --size 640x400 --out img-scene.png)
  expect_contains("wrote img-scene.png")
  expect_png_size(img-scene.png 640 400)
  file(WRITE ${WORK}/bad-scene.json "{\"format\": \"scorescope-scene\", \"version\": 1,
    \"data\": {\"name\": \"fashion-mnist\"}, \"images\": {\"limit\": 20, \"interpolate\": {\"a\": 0, \"b\": 99}}}")
  run_app(1 render --scene bad-scene.json --size 64x64 --out bad-scene.png)
  expect_contains("outside")
else()
  message(WARNING "dataset-fashion-mnist is not installed: image CLI tests skipped")
endif()
run_app(1 sample --data ${WORK}/no-such-folder --score exact)
run_app(1 interpolate --data ${WORK}/no-such-folder)
run_app(1 interpolate --data 8gaussians)
expect_contains("not an image dataset")
run_app(1 interpolate --data fashion-mnist --model model.pt)
expect_contains("2D model")
run_app(1 train --data fashion-mnist --net mlp --steps 1)
expect_contains("U-Net")
