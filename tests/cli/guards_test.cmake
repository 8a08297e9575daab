# Nothing silent, nothing unbounded (issue 19): requests that cannot be honoured are refused
# with the user's words and write nothing; skipped inputs are named.
# cmake -DAPP=... -DWORK=... -DMODEL=<an image checkpoint> -P guards_test.cmake
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

include(${CMAKE_CURRENT_LIST_DIR}/cli_common.cmake)

function(expect_absent file)
  if(EXISTS ${WORK}/${file})
    message(FATAL_ERROR "a refused command wrote ${file}")
  endif()
endfunction()

# A sampler the mode cannot run is refused, not replaced.
run_app(1 render --mode ode --sampler pc --size 64x64 --out ode.png)
expect_contains("--sampler 'pc' with --mode ode")
run_app(1 render --mode forward --sampler ddpm --size 64x64 --out fwd.png)
expect_contains("--sampler applies to --mode sde or ode")
expect_absent(ode.png)
expect_absent(fwd.png)

# An option the chosen sampler or SDE does not use is refused, not ignored; so are numbers
# out of their range (empty values: tests/reliability/bad_inputs.py).
run_app(1 sample --score exact --n 10 --steps 5 --rtol 1e-3 --out u.csv)
expect_contains("--rtol is rk45's tolerance")
run_app(1 sample --score exact --n 10 --sampler ode --predictor euler-maruyama --out u.csv)
expect_contains("--predictor applies to PC samplers")
run_app(1 sample --score exact --n 10 --steps 5 --snr 0.2 --out u.csv)
expect_contains("--snr applies to the Langevin corrector")
run_app(1 sample --score exact --n 10 --steps 5 --rho 3 --out u.csv)
expect_contains("--rho shapes the karras grid")
run_app(1 sample --score exact --n 10 --steps 5 --sigma-min 0.1 --out u.csv)
expect_contains("--sigma-min does not apply to --sde vp")
run_app(105 sample --score exact --n 10 --sampler ode --rtol nan --out u.csv)  # CLI11: 105
expect_contains("must be a finite number above 0")
run_app(105 sample --score exact --n 10 --steps 5 --threads 100000 --out u.csv)
run_app(1 solvers --solvers euler --nfe 5 --particles 100 --size 64x64 --out u.json)
expect_contains("--size is the plot's size")
expect_absent(u.csv)
expect_absent(u.json)
run_app(0 sample --score exact --n 10 --sampler ode --rtol 1e-3 --atol 1e-3 --out u.csv)

# A missing path is named as one, not as an unknown toy.
run_app(1 sample --score exact --data missing/folder --n 10)
expect_contains("no such file or folder: missing/folder")

# Outputs follow their extension or are refused, before anything is written.
run_app(1 render --size 64x64 --out x.xyz)
expect_contains("--out 'x.xyz'")
run_app(1 render --frames 0 --size 64x64 --out x.gif)
expect_contains("give a file ending in .png")
run_app(1 sample --score exact --n 10 --steps 5 --out x.png)
expect_contains("2D samples as CSV")
run_app(1 solvers --solvers euler --nfe 5 --particles 100 --out x.png)
expect_contains("as JSON")
foreach(f x.xyz x.gif x.png)
  expect_absent(${f})
endforeach()

# A mixture component no float32 sampler can carry is refused with the component named.
file(WRITE ${WORK}/huge.json [=[{"weights": [1, 1], "means": [[0, 0], [1e300, 0]], "stds": [1, 1]}]=])
run_app(1 sample --score exact --data huge.json --n 10)
expect_contains("component 1's mean")

# A scene's out-of-range integer is reported with the user's value (1e+18), not a wrapped one.
file(WRITE ${WORK}/bign.json [=[{"sde": {"kind": "vp", "N": 1e18}}]=])
run_app(0 render --scene bign.json --size 64x64 --out bign.png)
expect_contains("sde.N: 1e+18 is out of range")

if(MODEL AND EXISTS ${MODEL})
  # An image model cannot draw a 2D view: a clear refusal, no stack trace, no PNG.
  run_app(1 render --model ${MODEL} --data moons --field learned --size 64x64 --out learned.png)
  expect_contains("holds an image model")
  expect_absent(learned.png)
  string(FIND "${OUT}" "frame #" trace)
  if(NOT trace EQUAL -1)
    message(FATAL_ERROR "render printed a stack trace:\n${OUT}")
  endif()
  # Image sampling ends at the reference's ε = 1e-3 (the model trained to 1e-5), and --eps
  # takes effect (the JSON reports it).
  run_app(0 sample --model ${MODEL} --n 1 --steps 3 --json --out one.png)
  expect_contains("\"eps\":0.001")
  run_app(0 sample --model ${MODEL} --n 1 --steps 3 --eps 1e-5 --json --out one.png)
  expect_contains("\"eps\":1e-05")
  run_app(1 sample --model ${MODEL} --n 1 --steps 3 --out one.csv)
  expect_contains("image samples as a PNG grid")
  # sample on an image folder names the files it skips (as train does).
  file(MAKE_DIRECTORY ${WORK}/folder)
  file(COPY_FILE ${WORK}/one.png ${WORK}/folder/a.png)
  file(COPY_FILE ${WORK}/one.png ${WORK}/folder/b.png)
  file(WRITE ${WORK}/folder/broken.png "not a PNG")
  run_app(0 sample --score exact --data folder --n 2 --steps 3)
  expect_contains("skipped 1 file that could not be decoded")
  expect_contains("broken.png")
  run_app(0 interpolate --data folder --frames 2 --out strip.png)
  expect_contains("skipped 1 file that could not be decoded")
  run_app(0 render --data folder --score exact --size 200x200 --out folder.png)
  expect_contains("broken.png")
endif()

# Bounded requests: what the machine cannot hold is refused at once with the bytes it would
# need, before any allocation, and nothing is written. The machine's memory is fixed at 24 GB
# here (SCORESCOPE_MEMORY_BYTES) so the outcome does not depend on the runner.
set(ENV{SCORESCOPE_MEMORY_BYTES} 24e9)
run_app(1 sample --score exact --n 100000000 --out huge.csv)
expect_contains("--n 100000000 needs about 102 GB; this machine has 24 GB available")
run_app(1 train --batch 100000000 --steps 10 --out huge.pt)
expect_contains("--batch 100000000 needs about 100 GB")
run_app(1 render --size 16384x16384 --supersample 4 --out huge.png)
expect_contains("needs about 69 GB")
# Steps are bounded too (a run's work and its recorded frames grow with them).
run_app(1 sample --score exact --steps 1000000000 --n 10 --out steps.csv)
expect_contains("steps (1000000000) must be at most 1000000")
file(WRITE ${WORK}/steps.json [=[{"mode": "sde", "sampler": {"preset": "pc", "steps": 1000000000}}]=])
run_app(1 render --scene steps.json --size 64x64 --out steps.png)
expect_contains("steps (1000000000) must be at most 1000000")
foreach(f huge.csv huge.pt huge.png steps.csv steps.png)
  expect_absent(${f})
endforeach()
unset(ENV{SCORESCOPE_MEMORY_BYTES})

# Leftovers: the temporary a killed write left (PATH.tmp) is gone after the next start of a
# command writing PATH, even one that is refused; the previous file stays intact.
file(WRITE ${WORK}/kept.pt "previous")
file(WRITE ${WORK}/kept.pt.tmp "partial")
run_app(1 train --steps 10 --lr 0 --out kept.pt)
expect_absent(kept.pt.tmp)
file(READ ${WORK}/kept.pt previous)
if(NOT previous STREQUAL "previous")
  message(FATAL_ERROR "a refused run changed kept.pt")
endif()
file(WRITE ${WORK}/pts.csv.tmp "partial")
run_app(0 sample --score exact --n 10 --steps 5 --out pts.csv)
expect_absent(pts.csv.tmp)
run_app(1 --frames 2 --frame-times times.txt)
expect_contains("--frame-times 'times.txt': this writes JSON")
