# Classifier-free guidance end to end (MATH.md §6): exact CFG on a mixture, a class-conditional
# MLP trained with label dropout and sampled toward a class, and every bad setting refused.
# cmake -DAPP=... -DWORK=... -P cfg_test.cmake
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

include(${CMAKE_CURRENT_LIST_DIR}/cli_common.cmake)

# The last line's JSON mode weight of class `k` is above `floor`.
function(expect_mode_weight k floor what)
  string(REGEX MATCH "{[^\n]*}[ \n]*$" json "${OUT}")
  string(JSON w GET "${json}" mode_weights ${k})
  execute_process(COMMAND awk "BEGIN { exit !(${w} > ${floor}) }" RESULT_VARIABLE bad)
  if(bad)
    message(FATAL_ERROR "${what}: the mode weight of class ${k} is ${w}, expected > ${floor}")
  endif()
endfunction()

run_app(0 sample --help)
expect_contains("--cfg")
run_app(0 train --help)
expect_contains("--conditional")
expect_contains("--cfg-dropout")

# Exact CFG on a mixture: the components' exact scores, w = 3.
run_app(0 sample --score exact --data 8gaussians --class 2 --cfg 3 --n 500 --steps 300 --metrics --json)
expect_contains("\"cfg\":3")
expect_contains("classifier-free guidance to class 3 (index 2)")
expect_mode_weight(2 0.97 "exact CFG toward class 2")

# Bad settings, each with its message.
run_app(1 sample --score exact --data 8gaussians --cfg 2)
expect_contains("add --class K")
run_app(1 sample --score exact --data 8gaussians --class 0 --cfg -1)
expect_contains("must be a finite number")
run_app(1 sample --score exact --data 8gaussians --class 0 --cfg inf)
expect_contains("must be a finite number")
run_app(1 sample --score exact --data 8gaussians --class 8 --cfg 2)
expect_contains("outside [0, 8)")
run_app(1 sample --score exact --data 8gaussians --class 1 --cfg 2 --guidance 2)
expect_contains("give one")
run_app(1 sample --score exact --data moons --class 0 --cfg 2)
expect_contains("needs a mixture dataset")
run_app(1 train --data 8gaussians --cfg-dropout 0.2 --steps 2 --out x.pt)
expect_contains("add --conditional")
run_app(105 train --data 8gaussians --conditional --cfg-dropout 1.5 --steps 2 --out x.pt)
expect_contains("--cfg-dropout: Value 1.5 not in range")
run_app(1 train --data 8gaussians --conditional --cfg-dropout 1 --steps 2 --out x.pt)
expect_contains("must be in [0, 1)")
file(WRITE ${WORK}/plain.csv "0,0\n1,1\n2,0\n0,2\n")
run_app(1 train --data plain.csv --conditional --steps 2 --out x.pt)
expect_contains("needs labelled data")

# A labelled CSV trains a conditional model with its classes.
file(WRITE ${WORK}/two.csv "x,y,label\n-1,0,0\n-1.1,0.1,0\n1,0,1\n1.1,-0.1,1\n")
run_app(0 train --data two.csv --conditional --steps 20 --batch 8 --out two.pt --json)
expect_contains("\"classes\":2")

# A class-conditional MLP on 8gaussians' components, then sampled toward class 2.
run_app(0 train --data 8gaussians --conditional --steps 2000 --width 128 --batch 256 --out cond.pt --json)
expect_contains("\"classes\":8")
run_app(0 sample --model cond.pt --class 2 --cfg 2 --n 500 --steps 300 --metrics --json)
expect_mode_weight(2 0.8 "learned CFG toward class 2")
run_app(0 sample --model cond.pt --class 5 --n 500 --steps 300 --metrics --json)
expect_mode_weight(5 0.8 "the conditional model's class 5 (w = 1)")
run_app(1 sample --model cond.pt --class 8 --cfg 2)
expect_contains("outside [0, 8)")
run_app(1 sample --model cond.pt --class 2 --cfg 2 --guidance 3)
expect_contains("give one")

# An unconditional model cannot do classifier-free guidance.
run_app(0 train --data 8gaussians --steps 5 --out plain.pt)
run_app(1 sample --model plain.pt --class 1 --cfg 2)
expect_contains("needs a class-conditional model")

# --stage opens a lesson's stage in the window: a stage the scene lacks, or no scene, is refused
# before a window opens.
file(WRITE ${WORK}/staged.json [=[{"format": "scorescope-scene", "version": 1, "title": "t",
  "caption": "c", "stages": [{"caption": "a", "set": {"time": {"t": 0.5}}}]}]=])
run_app(1 --scene staged.json --stage 2)
expect_contains("has 1 stage (1-based)")
run_app(1 --stage 1)
expect_contains("add --scene FILE")
message(STATUS "cfg cli ok")
