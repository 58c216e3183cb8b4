# ctest spiral_stress_echo_reruns: the configuration report.md echoes (every key, defaults
# included) is a valid configuration that gives the same figures when run again.
#   cmake -DPROGRAM=<spiral-stress> -DCONFIG=<toml> -DWORK_DIR=<dir> [-DDATA=<file@@file...>]
#         -P check_echo.cmake
# The echo keeps the file's relative paths (book.file, model.history): DATA lists the files
# they name, copied next to the echoed configuration (a configuration without relative paths
# needs none).
include("${CMAKE_CURRENT_LIST_DIR}/echoed_config.cmake")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
if(DEFINED DATA AND NOT DATA STREQUAL "")
    string(REPLACE "@@" ";" _data "${DATA}")
    file(COPY ${_data} DESTINATION "${WORK_DIR}")
endif()
function(spiral_stress_run config out)
    execute_process(COMMAND "${PROGRAM}" "${config}" --scenarios 200 --output "${out}" --quiet
        WORKING_DIRECTORY "${WORK_DIR}" RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
    if(NOT _rc EQUAL 0)
        message(FATAL_ERROR "${config}: exit ${_rc}\n${_out}${_err}")
    endif()
endfunction()
spiral_stress_run("${CONFIG}" first)
spiral_echoed_config("${WORK_DIR}/first/report.md" _echo)
file(WRITE "${WORK_DIR}/echo.toml" "${_echo}")
spiral_stress_run("${WORK_DIR}/echo.toml" second)
file(READ "${WORK_DIR}/first/metrics.csv" _one)
file(READ "${WORK_DIR}/second/metrics.csv" _two)
if(NOT _one STREQUAL _two)
    message(FATAL_ERROR "the echoed configuration gives other figures:\n${_one}\n---\n${_two}")
endif()
message(STATUS "the echoed configuration runs and gives the same metrics.csv")
