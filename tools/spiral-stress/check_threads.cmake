# ctest spiral_stress_threads_agree: the same configuration on one thread and on three gives
# byte-identical metrics.csv and scenarios.csv (scenario s draws only from its own stream), and
# the same per-step data of the step-by-step re-run (written with the plots, when gnuplot is
# installed).
#   cmake -DPROGRAM=<spiral-stress> -DCONFIG=<toml> -DWORK_DIR=<dir> -P check_threads.cmake
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
foreach(_threads IN ITEMS 1 3)
    execute_process(COMMAND "${PROGRAM}" "${CONFIG}" --scenarios 300 --seed 4 --threads ${_threads}
                            --output "t${_threads}" --quiet
        WORKING_DIRECTORY "${WORK_DIR}" RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
    if(NOT _rc EQUAL 0)
        message(FATAL_ERROR "--threads ${_threads}: exit ${_rc}\n${_out}${_err}")
    endif()
endforeach()
foreach(_file IN ITEMS metrics.csv scenarios.csv fan_chart.csv fan_chart_paths.csv
                      liquidations_by_step.csv insolvent_histogram.csv)
    if(NOT EXISTS "${WORK_DIR}/t1/${_file}" AND NOT EXISTS "${WORK_DIR}/t3/${_file}"
       AND NOT _file MATCHES "^(metrics|scenarios)")
        continue() # no gnuplot: no plot data
    endif()
    file(READ "${WORK_DIR}/t1/${_file}" _one)
    file(READ "${WORK_DIR}/t3/${_file}" _three)
    if(NOT _one STREQUAL _three)
        message(FATAL_ERROR "${_file} differs between --threads 1 and --threads 3")
    endif()
endforeach()
message(STATUS "the output files agree for 1 and 3 threads")
