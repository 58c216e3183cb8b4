# Runs an example program and checks its exit code and output (ctest, see CMakeLists.txt):
#   cmake -DPROGRAM=<exe> -DARGS=<a@@b@@...> -DEXPECT_RC=<code> [-DEXPECT=<regex@@regex...>]
#         [-DREJECT=<regex@@...>] -DWORK_DIR=<dir> -P cli_test.cmake
# Lists are separated by "@@" (a ";" would not survive add_test). Every EXPECT regex must match
# stdout + stderr, no REJECT regex may.
string(REPLACE "@@" ";" _args "${ARGS}")
file(MAKE_DIRECTORY "${WORK_DIR}")
execute_process(COMMAND "${PROGRAM}" ${_args}
    WORKING_DIRECTORY "${WORK_DIR}"
    RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
set(_all "${_out}${_err}")
if(NOT "${_rc}" STREQUAL "${EXPECT_RC}")
    message(FATAL_ERROR "${PROGRAM} ${_args}: exit code ${_rc}, expected ${EXPECT_RC}\n${_all}")
endif()
if(DEFINED EXPECT AND NOT EXPECT STREQUAL "")
    string(REPLACE "@@" ";" _expect "${EXPECT}")
    foreach(_regex IN LISTS _expect)
        if(NOT _all MATCHES "${_regex}")
            message(FATAL_ERROR "${PROGRAM} ${_args}: output does not match '${_regex}':\n${_all}")
        endif()
    endforeach()
endif()
if(DEFINED REJECT AND NOT REJECT STREQUAL "")
    string(REPLACE "@@" ";" _reject "${REJECT}")
    foreach(_regex IN LISTS _reject)
        if(_all MATCHES "${_regex}")
            message(FATAL_ERROR "${PROGRAM} ${_args}: output matches '${_regex}':\n${_all}")
        endif()
    endforeach()
endif()
message(STATUS "${PROGRAM} ${_args}: exit ${_rc} as expected")
