# ctest `install_consumer`:
#   1. cmake --install the build tree into a scratch prefix;
#   2. build the Conan test_package (packaging/conan/test_package) against it as a plain CMake
#      project, which checks that the installed headers are version SPIRAL_VERSION;
#   3. move the prefix elsewhere (relocatability), then compile tests/install/main.cpp with
#      `$(pkg-config --cflags spiral)` from the moved prefix and run it;
#   4. build and run tests/install with find_package(spiral) from the moved prefix, and there
#      (ctest) the programs of tests/abi: units for two CPU targets in one program, their
#      symbols, spiral::dispatch. (A consumer of the prefix before the move would test nothing
#      the moved one does not.)
# Variables: SPIRAL_BINARY_DIR, SPIRAL_VERSION, WORK_DIR, [SPIRAL_CONFIG], [CXX_COMPILER], [GENERATOR],
#            [PKG_CONFIG_EXECUTABLE] (pkg-config step skipped, with a message, when empty),
#            [ABI] (OFF: skip the tests/abi programs, e.g. in the sanitizer build),
#            [STRESS_TOOL] (1: the build has spiral-stress; the install must have bin/spiral-stress).
cmake_minimum_required(VERSION 3.21)
include("${CMAKE_CURRENT_LIST_DIR}/consumer.cmake")

foreach(_var IN ITEMS SPIRAL_BINARY_DIR SPIRAL_VERSION WORK_DIR)
    if(NOT ${_var})
        message(FATAL_ERROR "run.cmake: ${_var} not set")
    endif()
endforeach()
if(NOT CXX_COMPILER)
    set(CXX_COMPILER c++)
endif()

set(prefix "${WORK_DIR}/prefix")
set(moved "${WORK_DIR}/moved prefix") # a space in the path, on purpose
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

# 1. install
set(_install "${CMAKE_COMMAND}" --install "${SPIRAL_BINARY_DIR}" --prefix "${prefix}")
if(SPIRAL_CONFIG)
    list(APPEND _install --config "${SPIRAL_CONFIG}")
endif()
spiral_run(${_install})
spiral_require_files("${prefix}"
    include/spiral/spiral.hpp
    include/spiral/simd.hpp
    share/cmake/spiral/spiralConfig.cmake
    share/cmake/spiral/spiralConfigVersion.cmake
    share/cmake/spiral/spiralTargets.cmake
    share/cmake/spiral/spiralSimdTargets.cmake
    share/pkgconfig/spiral.pc
    share/pkgconfig/spiral-simd.pc
    share/spiral/dispatch/dispatch.cpp
    share/cmake/spiral/spiral_dispatch.cmake
    share/doc/spiral/LICENSE)
if(STRESS_TOOL)
    spiral_require_files("${prefix}" bin/spiral-stress)
    spiral_run("${prefix}/bin/spiral-stress" --help-config)
endif()
if(EXISTS "${prefix}/lib" OR EXISTS "${prefix}/lib64")
    message(FATAL_ERROR "header-only install must not create lib/: ${prefix}")
endif()

# 2. the Conan test_package
spiral_check_test_package(PREFIX "${prefix}" BUILD_DIR "${WORK_DIR}/test_package"
    VERSION "${SPIRAL_VERSION}" CXX_COMPILER "${CXX_COMPILER}" GENERATOR "${GENERATOR}")

# 3. relocate, then pkg-config consumer
file(RENAME "${prefix}" "${moved}")
if(PKG_CONFIG_EXECUTABLE)
    set(ENV{PKG_CONFIG_PATH} "${moved}/share/pkgconfig")
    # pkg-config escapes the space in the path; separate_arguments undoes that.
    foreach(_package IN ITEMS spiral spiral-simd)
        execute_process(COMMAND "${PKG_CONFIG_EXECUTABLE}" --cflags ${_package}
            OUTPUT_VARIABLE _cflags OUTPUT_STRIP_TRAILING_WHITESPACE COMMAND_ERROR_IS_FATAL ANY)
        message(STATUS "pkg-config --cflags ${_package}: ${_cflags}")
        separate_arguments(_cflags_${_package} UNIX_COMMAND "${_cflags}")
    endforeach()
    # The compile line must work as given: no -std flag of our own.
    set(_exe "${WORK_DIR}/consumer_pkgconfig")
    spiral_run("${CXX_COMPILER}" ${_cflags_spiral} "-DSPIRAL_EXPECT_ARCH=\"scalar\""
        "${CMAKE_CURRENT_LIST_DIR}/main.cpp" -o "${_exe}")
    spiral_run("${_exe}")
    spiral_run("${CXX_COMPILER}" ${_cflags_spiral-simd} "-DSPIRAL_EXPECT_ARCH=\"sse2\""
        "${CMAKE_CURRENT_LIST_DIR}/main.cpp" -o "${_exe}_simd")
    spiral_run("${_exe}_simd")
else()
    message(STATUS "pkg-config not found: skipping the pkg-config consumer")
endif()

# 4. find_package consumer, from the moved prefix
set(_abi_flag ABI)
if(DEFINED ABI AND NOT ABI)
    set(_abi_flag "")
endif()
spiral_check_consumer(PREFIX "${moved}" BUILD_DIR "${WORK_DIR}/consumer_moved"
    CXX_COMPILER "${CXX_COMPILER}" GENERATOR "${GENERATOR}" ${_abi_flag})

message(STATUS "install_consumer: OK")
