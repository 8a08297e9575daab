# Every built-in lesson (assets/scenes/*.json) renders headless: a 3-frame PNG sequence at a
# small size; one lesson as a 10-frame GIF; a broken scene file is refused with a message.
# cmake -DAPP=... -DWORK=... -DSCENES=... -P scenes_test.cmake
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

function(run_app expect_code)
  execute_process(COMMAND ${APP} ${ARGN} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err
                  WORKING_DIRECTORY ${WORK} TIMEOUT 600)
  set(OUT "${out}${err}" PARENT_SCOPE)
  set(CODE "${code}" PARENT_SCOPE)
  if(NOT "${expect_code}" STREQUAL "any" AND NOT code EQUAL expect_code)
    message(FATAL_ERROR "scorescope ${ARGN}: exit ${code}, expected ${expect_code}\nstdout: ${out}\nstderr: ${err}")
  endif()
endfunction()

file(GLOB presets ${SCENES}/*.json)
list(LENGTH presets count)
if(count LESS 10)
  message(FATAL_ERROR "expected the built-in lessons in ${SCENES}, found ${count}")
endif()
foreach(p ${presets})
  get_filename_component(name ${p} NAME_WE)
  run_app(any render --scene ${p} --size 240x150 --frames 3 --out ${name}/)
  # Twemoji is optional (scripts/deps fetches it only where npm exists): its lesson may say so.
  if(NOT CODE EQUAL 0 AND name MATCHES "emoji" AND OUT MATCHES "npm|Twemoji|twemoji")
    message(STATUS "${name}: skipped, Twemoji is not installed here: ${OUT}")
    continue()
  endif()
  if(NOT CODE EQUAL 0)
    message(FATAL_ERROR "render --scene ${p}: exit ${CODE}\n${OUT}")
  endif()
  string(FIND "${OUT}" "scorescope render: ${p}:" warned)
  if(NOT warned EQUAL -1)
    message(FATAL_ERROR "${p} reads with warnings:\n${OUT}")
  endif()
  foreach(i 0000 0001 0002)
    if(NOT EXISTS ${WORK}/${name}/frame_${i}.png)
      message(FATAL_ERROR "${name}: frame_${i}.png missing\n${OUT}")
    endif()
    file(READ ${WORK}/${name}/frame_${i}.png head LIMIT 24 HEX)
    string(SUBSTRING "${head}" 32 16 size)
    if(NOT size STREQUAL "000000f000000096")  # 240 x 150, big-endian in the IHDR chunk
      message(FATAL_ERROR "${name}/frame_${i}.png: IHDR size ${size}, expected 240x150")
    endif()
  endforeach()
  message(STATUS "${name}: rendered")
endforeach()

# A stage of a lesson, as a 10-frame GIF.
run_app(0 render --scene ${SCENES}/03-reverse-sde-vs-ode.json --stage 2 --size 200x120 --frames 10 --fps 20 --out ode.gif)
file(READ ${WORK}/ode.gif head LIMIT 10 HEX)
if(NOT head MATCHES "^474946383961c8007800")
  message(FATAL_ERROR "ode.gif: header ${head}, expected GIF89a 200x120")
endif()
run_app(1 render --scene ${SCENES}/03-reverse-sde-vs-ode.json --stage 9 --out nostage.png)
string(FIND "${OUT}" "stage 9 does not exist" pos)
if(pos EQUAL -1)
  message(FATAL_ERROR "a missing stage: ${OUT}")
endif()

# Broken files: clear messages, nothing written.
file(WRITE ${WORK}/broken.json "{\"data\": {\"name\": \"moons\"")
run_app(1 render --scene broken.json --out broken.png)
string(FIND "${OUT}" "not valid JSON" pos)
if(pos EQUAL -1 OR EXISTS ${WORK}/broken.png)
  message(FATAL_ERROR "a broken scene: ${OUT}")
endif()
run_app(1 render --scene missing.json --out missing.png)
string(FIND "${OUT}" "missing.json: cannot open" pos)
if(pos EQUAL -1)
  message(FATAL_ERROR "a missing scene: ${OUT}")
endif()
# Unknown fields are warnings, not errors.
file(WRITE ${WORK}/sparse.json "{\"data\": {\"name\": \"8gaussians\", \"n\": 500}, \"zoom\": 2}")
run_app(0 render --scene sparse.json --size 64x64 --out sparse.png)
string(FIND "${OUT}" "zoom: unknown field" pos)
if(pos EQUAL -1 OR NOT EXISTS ${WORK}/sparse.png)
  message(FATAL_ERROR "a sparse scene: ${OUT}")
endif()

# The GUI opens a lesson in presentation mode, records its timeline through File > Record's
# path (--record) and keeps its preferences in $XDG_CONFIG_HOME (never in the working folder).
file(MAKE_DIRECTORY ${WORK}/config/scorescope)
file(WRITE ${WORK}/config/scorescope/prefs.json
     "{\"export_width\": 200, \"export_height\": 120, \"animation_frames\": 8, \"animation_fps\": 10}")
execute_process(COMMAND ${CMAKE_COMMAND} -E env XDG_CONFIG_HOME=${WORK}/config
                ${APP} --scene ${SCENES}/01-forward-destroys-structure.json --present --record gui.gif
                --frames 20 --screenshot present.png
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err WORKING_DIRECTORY ${WORK} TIMEOUT 300)
if(NOT code EQUAL 0 OR NOT EXISTS ${WORK}/present.png)
  message(FATAL_ERROR "GUI --scene --present --record: exit ${code}\n${out}${err}")
endif()
file(READ ${WORK}/gui.gif head LIMIT 10 HEX)
if(NOT head MATCHES "^474946383961c8007800")
  message(FATAL_ERROR "gui.gif: header ${head}, expected GIF89a 200x120")
endif()

# The default scene shows the learned field, which an untrained model does not have: its
# recording waits for the layers that are requested, not for that field (it used to hang).
execute_process(COMMAND ${CMAKE_COMMAND} -E env XDG_CONFIG_HOME=${WORK}/config
                ${APP} --record default.gif --frames 20
                RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err WORKING_DIRECTORY ${WORK} TIMEOUT 120)
if(NOT code EQUAL 0 OR NOT EXISTS ${WORK}/default.gif)
  message(FATAL_ERROR "GUI default scene --record: exit ${code}, no default.gif\n${out}${err}")
endif()
file(READ ${WORK}/config/scorescope/prefs.json prefs)
string(FIND "${prefs}" "01-forward-destroys-structure.json" pos)
if(pos EQUAL -1 OR NOT EXISTS ${WORK}/config/scorescope/imgui.ini)
  message(FATAL_ERROR "preferences not kept: ${prefs}")
endif()
file(GLOB stray ${WORK}/*.ini)
if(stray)
  message(FATAL_ERROR "stray files in the working folder: ${stray}")
endif()
