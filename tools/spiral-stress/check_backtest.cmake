# ctest spiral_stress_backtest_matches_library: runs `spiral-stress backtest CONFIG`, then
# CHECKER on its metrics.csv (the figures capital::backtest gives when the models are called
# directly), then the configuration its report.md echoes (the same metrics.csv).
#   cmake -DPROGRAM=<spiral-stress> -DCHECKER=<backtest_check> -DCONFIG=<toml> -DDATA=<csv>
#         -DWORK_DIR=<dir> -P check_backtest.cmake
include("${CMAKE_CURRENT_LIST_DIR}/echoed_config.cmake")
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
# The configuration report.md echoes (every key, defaults included) runs again to the same
# metrics.csv; its history.file, relative to the example, is pointed at DATA.
spiral_echoed_config("${WORK_DIR}/out/report.md" _echo)
string(REGEX REPLACE "\nfile = \"[^\"]*\"" "\nfile = \"${DATA}\"" _echo "\n${_echo}")
file(WRITE "${WORK_DIR}/echo.toml" "${_echo}")
execute_process(COMMAND "${PROGRAM}" backtest "${WORK_DIR}/echo.toml" --output echo --quiet
    WORKING_DIRECTORY "${WORK_DIR}" RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "the echoed configuration: exit ${_rc}\n${_out}${_err}")
endif()
file(READ "${WORK_DIR}/out/metrics.csv" _one)
file(READ "${WORK_DIR}/echo/metrics.csv" _two)
if(NOT _one STREQUAL _two)
    message(FATAL_ERROR "the echoed configuration gives other figures:\n${_one}\n---\n${_two}")
endif()
message(STATUS "the echoed configuration runs and gives the same metrics.csv")
