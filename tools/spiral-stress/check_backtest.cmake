# ctest spiral_stress_backtest_matches_library: runs `spiral-stress backtest CONFIG`, then
# CHECKER on its metrics.csv (the figures capital::backtest gives when the models are called
# directly).
#   cmake -DPROGRAM=<spiral-stress> -DCHECKER=<backtest_check> -DCONFIG=<toml> -DDATA=<csv>
#         -DWORK_DIR=<dir> -P check_backtest.cmake
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
execute_process(COMMAND "${PROGRAM}" backtest "${CONFIG}" --output out --quiet
    WORKING_DIRECTORY "${WORK_DIR}" RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "spiral-stress backtest ${CONFIG}: exit ${_rc}\n${_out}${_err}")
endif()
execute_process(COMMAND "${CHECKER}" "${DATA}" "${WORK_DIR}/out/metrics.csv"
    RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "${CHECKER}: exit ${_rc}\n${_out}${_err}")
endif()
message(STATUS "${_out}")
