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

# Consumers build on every core (the ABI programs are a dozen units; Make alone runs one at a time).
cmake_host_system_information(RESULT _SPIRAL_CONSUMER_JOBS QUERY NUMBER_OF_LOGICAL_CORES)

# spiral_build_against(SOURCE <dir> BUILD_DIR <dir> PREFIX <dir> TARGET <name> OUT_EXE <var>
#                      [CXX_COMPILER <c++>] [GENERATOR <gen>] [OPTIONS <-D...>...])
# Configures the project in SOURCE against the package under PREFIX (CMAKE_PREFIX_PATH, no
# package registries), checks that find_package(spiral) took it from PREFIX and not from some
# other installed copy, builds it, and sets OUT_EXE to the executable TARGET.
function(spiral_build_against)
    cmake_parse_arguments(PARSE_ARGV 0 arg ""
        "SOURCE;BUILD_DIR;PREFIX;TARGET;OUT_EXE;CXX_COMPILER;GENERATOR" "OPTIONS")
    file(REMOVE_RECURSE "${arg_BUILD_DIR}")
    set(_configure "${CMAKE_COMMAND}" -S "${arg_SOURCE}" -B "${arg_BUILD_DIR}"
        -DCMAKE_BUILD_TYPE=Release
        "-DCMAKE_PREFIX_PATH=${arg_PREFIX}"
        -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
        -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF
        ${arg_OPTIONS})
    if(arg_GENERATOR)
        list(APPEND _configure -G "${arg_GENERATOR}")
    endif()
    if(arg_CXX_COMPILER)
        list(APPEND _configure "-DCMAKE_CXX_COMPILER=${arg_CXX_COMPILER}")
    endif()
    spiral_run(${_configure})

    file(STRINGS "${arg_BUILD_DIR}/CMakeCache.txt" _dir REGEX "^spiral_DIR:")
    string(REGEX REPLACE "^spiral_DIR:[A-Z]+=" "" _dir "${_dir}")
    file(REAL_PATH "${_dir}" _dir)
    file(REAL_PATH "${arg_PREFIX}" _prefix)
    string(FIND "${_dir}/" "${_prefix}/" _pos)
    if(NOT _pos EQUAL 0)
        message(FATAL_ERROR "${arg_TARGET} found spiral in '${_dir}', not under '${_prefix}'")
    endif()

    spiral_run("${CMAKE_COMMAND}" --build "${arg_BUILD_DIR}" --config Release
        --parallel ${_SPIRAL_CONSUMER_JOBS})
    file(GLOB_RECURSE _exe LIST_DIRECTORIES false
        "${arg_BUILD_DIR}/${arg_TARGET}" "${arg_BUILD_DIR}/${arg_TARGET}.exe")
    if(NOT _exe)
        message(FATAL_ERROR "${arg_TARGET} was not built in ${arg_BUILD_DIR}")
    endif()
    list(GET _exe 0 _exe)
    set(${arg_OUT_EXE} "${_exe}" PARENT_SCOPE)
endfunction()

# spiral_check_consumer(PREFIX <dir> BUILD_DIR <dir> [CXX_COMPILER <c++>] [GENERATOR <gen>] [ABI])
# Builds tests/install against the package under <dir> and runs it; with ABI, also builds and
# runs (ctest) the programs of tests/abi against the package.
function(spiral_check_consumer)
    cmake_parse_arguments(PARSE_ARGV 0 arg "ABI" "PREFIX;BUILD_DIR;CXX_COMPILER;GENERATOR" "")
    set(_options "")
    if(arg_ABI)
        set(_options -DSPIRAL_CONSUMER_ABI=ON)
    endif()
    spiral_build_against(SOURCE "${_SPIRAL_CONSUMER_SOURCE_DIR}" BUILD_DIR "${arg_BUILD_DIR}"
        PREFIX "${arg_PREFIX}" TARGET spiral_consumer OUT_EXE _exe
        CXX_COMPILER "${arg_CXX_COMPILER}" GENERATOR "${arg_GENERATOR}" OPTIONS ${_options})
    spiral_run("${_exe}")
    if(arg_ABI) # the programs of tests/abi, built against the installed package
        spiral_run("${CMAKE_CTEST_COMMAND}" --test-dir "${arg_BUILD_DIR}" --output-on-failure
            -C Release)
    endif()
endfunction()

# spiral_check_test_package(PREFIX <dir> BUILD_DIR <dir> VERSION <x.y.z> [CXX_COMPILER <c++>]
#                           [GENERATOR <gen>])
# Builds packaging/conan/test_package as a plain CMake project against the package under <dir>
# and runs `test_package <x.y.z>`, which fails unless the package's headers are version <x.y.z>.
function(spiral_check_test_package)
    cmake_parse_arguments(PARSE_ARGV 0 arg "" "PREFIX;BUILD_DIR;VERSION;CXX_COMPILER;GENERATOR" "")
    if(NOT arg_VERSION)
        message(FATAL_ERROR "spiral_check_test_package: VERSION not set")
    endif()
    spiral_build_against(SOURCE "${_SPIRAL_CONSUMER_SOURCE_DIR}/../../packaging/conan/test_package"
        BUILD_DIR "${arg_BUILD_DIR}" PREFIX "${arg_PREFIX}" TARGET test_package OUT_EXE _exe
        CXX_COMPILER "${arg_CXX_COMPILER}" GENERATOR "${arg_GENERATOR}")
    spiral_run("${_exe}" "${arg_VERSION}")
endfunction()
