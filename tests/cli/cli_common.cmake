# What the end-to-end scripts share: run the real executable in WORK and check its exit code
# (run_app, the output in OUT), look for a text in that output (expect_contains), and check
# numbers of the JSON object on its last line (expect_json).
# include()d by cli_test.cmake and cfg_test.cmake; APP and WORK come from their -D options.

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

# The JSON object ending OUT: each key's value replaces @key@ in `condition` (an awk
# expression), which must hold; the failure names `what` and every value.
function(expect_json what condition)
  string(REGEX MATCH "{[^\n]*}[ \n]*$" json "${OUT}")
  set(shown "")
  foreach(key ${ARGN})
    string(JSON value GET "${json}" ${key})
    string(REPLACE "@${key}@" "${value}" condition "${condition}")
    string(APPEND shown " ${key} ${value}")
  endforeach()
  execute_process(COMMAND awk "BEGIN { exit !(${condition}) }" RESULT_VARIABLE bad)
  if(bad)
    message(FATAL_ERROR "${what}:${shown}")
  endif()
endfunction()
