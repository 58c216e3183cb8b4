# ctest `install_consumer`:
#   1. cmake --install the build tree into a scratch prefix;
#   2. build and run tests/install against it with find_package(spiral);
#   3. move the prefix elsewhere (relocatability), then compile tests/install/main.cpp with
#      `$(pkg-config --cflags spiral)` from the moved prefix and run it;
#   4. find_package from the moved prefix again.
# Variables: SPIRAL_BINARY_DIR, WORK_DIR, [SPIRAL_CONFIG], [CXX_COMPILER], [GENERATOR],
#            [PKG_CONFIG_EXECUTABLE] (pkg-config step skipped, with a message, when empty).
cmake_minimum_required(VERSION 3.21)
include("${CMAKE_CURRENT_LIST_DIR}/consumer.cmake")

foreach(_var IN ITEMS SPIRAL_BINARY_DIR WORK_DIR)
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
    share/doc/spiral/LICENSE)
if(EXISTS "${prefix}/lib" OR EXISTS "${prefix}/lib64")
    message(FATAL_ERROR "header-only install must not create lib/: ${prefix}")
endif()

# 2. find_package consumer
spiral_check_consumer(PREFIX "${prefix}" BUILD_DIR "${WORK_DIR}/consumer"
    CXX_COMPILER "${CXX_COMPILER}" GENERATOR "${GENERATOR}")

# 3. relocate, then pkg-config consumer
file(RENAME "${prefix}" "${moved}")
if(PKG_CONFIG_EXECUTABLE)
    set(ENV{PKG_CONFIG_PATH} "${moved}/share/pkgconfig")
    execute_process(COMMAND "${PKG_CONFIG_EXECUTABLE}" --cflags spiral
        OUTPUT_VARIABLE _cflags OUTPUT_STRIP_TRAILING_WHITESPACE COMMAND_ERROR_IS_FATAL ANY)
    message(STATUS "pkg-config --cflags spiral: ${_cflags}")
    # pkg-config escapes the space in the path; undo that while splitting into arguments.
    separate_arguments(_cflags UNIX_COMMAND "${_cflags}")
    set(_exe "${WORK_DIR}/consumer_pkgconfig")
    spiral_run("${CXX_COMPILER}" -std=c++20 ${_cflags}
        "${CMAKE_CURRENT_LIST_DIR}/main.cpp" -o "${_exe}")
    spiral_run("${_exe}")
else()
    message(STATUS "pkg-config not found: skipping the pkg-config consumer")
endif()

# 4. find_package from the moved prefix
spiral_check_consumer(PREFIX "${moved}" BUILD_DIR "${WORK_DIR}/consumer_moved"
    CXX_COMPILER "${CXX_COMPILER}" GENERATOR "${GENERATOR}")

message(STATUS "install_consumer: OK")
