# ctest `python_install`: `cmake --install --component python` of the build tree into a scratch
# prefix, then `import spiral` from there with PYTHONPATH=<prefix>/<PYTHONDIR> (the README's
# lines), checking that the package imported is the installed one and that it computes.
# Variables: BINARY_DIR, WORK_DIR, PYTHON, PYTHONDIR, [CONFIG].
cmake_minimum_required(VERSION 3.21)
foreach(_var IN ITEMS BINARY_DIR WORK_DIR PYTHON PYTHONDIR)
    if(NOT ${_var})
        message(FATAL_ERROR "install_check.cmake: ${_var} not set")
    endif()
endforeach()

set(prefix "${WORK_DIR}/prefix")
file(REMOVE_RECURSE "${WORK_DIR}")
set(_install "${CMAKE_COMMAND}" --install "${BINARY_DIR}" --component python --prefix "${prefix}")
if(CONFIG)
    list(APPEND _install --config "${CONFIG}")
endif()
execute_process(COMMAND ${_install} RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "cmake --install --component python failed (${_rc})")
endif()

if(IS_ABSOLUTE "${PYTHONDIR}")
    message(STATUS "SPIRAL_INSTALL_PYTHONDIR is absolute (${PYTHONDIR}): installed there, not checked")
    return()
endif()
set(_site "${prefix}/${PYTHONDIR}")
set(_script [[
import os, sys, spiral
site = os.path.realpath(sys.argv[1])
assert os.path.realpath(spiral.__file__).startswith(site), spiral.__file__
price = spiral.black_scholes("call", 100.0, 100.0, 1.0, 0.0, 0.0, 0.2, outputs=["price"])["price"]
assert abs(price - 7.96556745540579) < 1e-10, price
print("spiral", spiral.__version__, "from", os.path.dirname(spiral.__file__), "price", price)
]])
execute_process(COMMAND "${CMAKE_COMMAND}" -E env "PYTHONPATH=${_site}" PYTHONDONTWRITEBYTECODE=1
        "${PYTHON}" -c "${_script}" "${_site}"
    WORKING_DIRECTORY "${WORK_DIR}"
    RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "import spiral from ${_site} failed (${_rc})")
endif()
