# What the end-to-end scripts share: run the real executable in WORK and check its exit code
# (run_app, the output in OUT), and look for a text in that output (expect_contains).
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
