# Helpers for cmake -P scripts that check an installed spiral (tests/install/run.cmake,
# packaging/check-offline.cmake): tests/install's consumer and the Conan test_package.

set(_SPIRAL_CONSUMER_SOURCE_DIR "${CMAKE_CURRENT_LIST_DIR}")

# spiral_run(<command>...): run a command, echo it, stop the script if it fails.
function(spiral_run)
    execute_process(COMMAND ${ARGN} COMMAND_ECHO STDOUT RESULT_VARIABLE _rc)
    if(NOT _rc EQUAL 0)
        message(FATAL_ERROR "command failed (${_rc}): ${ARGN}")
    endif()
endfunction()

# spiral_require_files(<root> <relative path>...)
function(spiral_require_files root)
    foreach(_file IN LISTS ARGN)
        if(NOT EXISTS "${root}/${_file}")
            message(FATAL_ERROR "missing from ${root}: ${_file}")
        endif()
    endforeach()
endfunction()

# spiral_check_consumer(PREFIX <dir> BUILD_DIR <dir> [CXX_COMPILER <c++>] [GENERATOR <gen>] [ABI])
# Configures tests/install (find_package(spiral) via CMAKE_PREFIX_PATH=<dir>), checks that spiral
# was found under <dir>, builds the consumer and runs it; with ABI, also builds and runs (ctest)
# the programs of tests/abi against the package.
# Consumers build on every core (the ABI programs are a dozen units; Make alone runs one at a time).
cmake_host_system_information(RESULT _SPIRAL_CONSUMER_JOBS QUERY NUMBER_OF_LOGICAL_CORES)

function(spiral_check_consumer)
    cmake_parse_arguments(PARSE_ARGV 0 arg "ABI" "PREFIX;BUILD_DIR;CXX_COMPILER;GENERATOR" "")
    file(REMOVE_RECURSE "${arg_BUILD_DIR}")
    set(_configure "${CMAKE_COMMAND}" -S "${_SPIRAL_CONSUMER_SOURCE_DIR}" -B "${arg_BUILD_DIR}"
        -DCMAKE_BUILD_TYPE=Release
        "-DCMAKE_PREFIX_PATH=${arg_PREFIX}"
        -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
        -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF)
    if(arg_ABI)
        list(APPEND _configure -DSPIRAL_CONSUMER_ABI=ON)
    endif()
    if(arg_GENERATOR)
        list(APPEND _configure -G "${arg_GENERATOR}")
    endif()
    if(arg_CXX_COMPILER)
        list(APPEND _configure "-DCMAKE_CXX_COMPILER=${arg_CXX_COMPILER}")
    endif()
    spiral_run(${_configure})

    # find_package must have picked the package under PREFIX, not some other installed copy.
    file(STRINGS "${arg_BUILD_DIR}/CMakeCache.txt" _dir REGEX "^spiral_DIR:")
    string(REGEX REPLACE "^spiral_DIR:[A-Z]+=" "" _dir "${_dir}")
    file(REAL_PATH "${_dir}" _dir)
    file(REAL_PATH "${arg_PREFIX}" _prefix)
    string(FIND "${_dir}/" "${_prefix}/" _pos)
    if(NOT _pos EQUAL 0)
        message(FATAL_ERROR "consumer found spiral in '${_dir}', not under '${_prefix}'")
    endif()

    spiral_run("${CMAKE_COMMAND}" --build "${arg_BUILD_DIR}" --config Release --parallel ${_SPIRAL_CONSUMER_JOBS})
    file(GLOB_RECURSE _exe LIST_DIRECTORIES false
        "${arg_BUILD_DIR}/spiral_consumer" "${arg_BUILD_DIR}/spiral_consumer.exe")
    if(NOT _exe)
        message(FATAL_ERROR "spiral_consumer was not built in ${arg_BUILD_DIR}")
    endif()
    list(GET _exe 0 _exe)
    spiral_run("${_exe}")
    if(arg_ABI) # the programs of tests/abi, built against the installed package
        spiral_run("${CMAKE_CTEST_COMMAND}" --test-dir "${arg_BUILD_DIR}" --output-on-failure
            -C Release)
    endif()
endfunction()

# spiral_check_test_package(PREFIX <dir> BUILD_DIR <dir> VERSION <x.y.z> [CXX_COMPILER <c++>]
#                           [GENERATOR <gen>])
# Configures packaging/conan/test_package as a plain CMake project against the package under
# <dir> (CMAKE_PREFIX_PATH), builds it and runs `test_package <x.y.z>`, which fails unless the
# package's headers are version <x.y.z>.
function(spiral_check_test_package)
    cmake_parse_arguments(PARSE_ARGV 0 arg "" "PREFIX;BUILD_DIR;VERSION;CXX_COMPILER;GENERATOR" "")
    if(NOT arg_VERSION)
        message(FATAL_ERROR "spiral_check_test_package: VERSION not set")
    endif()
    file(REMOVE_RECURSE "${arg_BUILD_DIR}")
    set(_configure "${CMAKE_COMMAND}"
        -S "${_SPIRAL_CONSUMER_SOURCE_DIR}/../../packaging/conan/test_package"
        -B "${arg_BUILD_DIR}"
        -DCMAKE_BUILD_TYPE=Release
        "-DCMAKE_PREFIX_PATH=${arg_PREFIX}"
        -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
        -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF)
    if(arg_GENERATOR)
        list(APPEND _configure -G "${arg_GENERATOR}")
    endif()
    if(arg_CXX_COMPILER)
        list(APPEND _configure "-DCMAKE_CXX_COMPILER=${arg_CXX_COMPILER}")
    endif()
    spiral_run(${_configure})
    spiral_run("${CMAKE_COMMAND}" --build "${arg_BUILD_DIR}" --config Release --parallel ${_SPIRAL_CONSUMER_JOBS})
    file(GLOB_RECURSE _exe LIST_DIRECTORIES false
        "${arg_BUILD_DIR}/test_package" "${arg_BUILD_DIR}/test_package.exe")
    if(NOT _exe)
        message(FATAL_ERROR "test_package was not built in ${arg_BUILD_DIR}")
    endif()
    list(GET _exe 0 _exe)
    spiral_run("${_exe}" "${arg_VERSION}")
endfunction()
