# ctest spiral_stress_frontier_matches_library: runs `spiral-stress recommend CONFIG` (3
# threads), then CHECKER (when given) on its frontier.csv and recommendations.csv (the figures
# capital::evaluate_frontier gives when called directly; each pick the most efficient feasible
# row); then `spiral-stress frontier CONFIG` on one thread (the same frontier.csv, byte for byte)
# and the configuration report.md echoes (the same frontier.csv).
# ctest spiral_stress_frontier_absolute_echo runs it without CHECKER on another configuration.
#   cmake -DPROGRAM=<spiral-stress> [-DCHECKER=<frontier_check>] -DCONFIG=<toml> -DWORK_DIR=<dir>
#         -P check_frontier.cmake
include("${CMAKE_CURRENT_LIST_DIR}/echoed_config.cmake")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
function(_run)
    execute_process(COMMAND "${PROGRAM}" ${ARGN} --quiet
        WORKING_DIRECTORY "${WORK_DIR}" RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
    if(NOT _rc EQUAL 0)
        message(FATAL_ERROR "spiral-stress ${ARGN}: exit ${_rc}\n${_out}${_err}")
    endif()
endfunction()
_run(recommend "${CONFIG}" --threads 3 --output out)
if(CHECKER)
    execute_process(COMMAND "${CHECKER}" "${WORK_DIR}/out/frontier.csv"
                            "${WORK_DIR}/out/recommendations.csv"
        RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
    if(NOT _rc EQUAL 0)
        message(FATAL_ERROR "${CHECKER}: exit ${_rc}\n${_out}${_err}")
    endif()
    message(STATUS "${_out}")
endif()
file(READ "${WORK_DIR}/out/frontier.csv" _one)
_run(frontier "${CONFIG}" --threads 1 --output one)
file(READ "${WORK_DIR}/one/frontier.csv" _two)
if(NOT _one STREQUAL _two)
    message(FATAL_ERROR "frontier.csv differs between recommend on 3 threads and frontier on 1")
endif()
if(EXISTS "${WORK_DIR}/one/recommendations.csv")
    message(FATAL_ERROR "spiral-stress frontier wrote recommendations.csv")
endif()
spiral_echoed_config("${WORK_DIR}/out/report.md" _echo)
file(WRITE "${WORK_DIR}/echo.toml" "${_echo}")
_run(recommend "${WORK_DIR}/echo.toml" --output echo)
file(READ "${WORK_DIR}/echo/frontier.csv" _three)
if(NOT _one STREQUAL _three)
    message(FATAL_ERROR "the echoed configuration gives another frontier.csv")
endif()
message(STATUS "frontier.csv: the same on 1 and 3 threads, in both modes and from the echo")
