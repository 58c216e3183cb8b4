# ctest `packaging_version`: every file that states spiral's version agrees with the one place it is
# set, project(spiral VERSION ...) in CMakeLists.txt.
#
#   cmake -DSOURCE_DIR=<repo> -DVERSION=<project version> -P packaging/check-version.cmake
#
# Derived, so not checked here: the CMake package's version file and the .pc files (configured
# from PROJECT_VERSION), the Conan recipe (its set_version() reads CMakeLists.txt; ctest
# packaging_conan_syntax runs it), the Python module's __version__ (from version.hpp).
# include/spiral/version.hpp is also checked when spiral is configured.
cmake_minimum_required(VERSION 3.21)

foreach(_var IN ITEMS SOURCE_DIR VERSION)
    if(NOT ${_var})
        message(FATAL_ERROR "check-version.cmake: ${_var} not set")
    endif()
endforeach()
include("${SOURCE_DIR}/cmake/spiral_version.cmake")
string(REGEX MATCH "^[0-9]+\\.[0-9]+" _major_minor "${VERSION}")
set(_errors "")

# include/spiral/version.hpp: a plain committed header
spiral_header_version("${SOURCE_DIR}/include/spiral/version.hpp" _header)
if(NOT _header STREQUAL VERSION)
    list(APPEND _errors "include/spiral/version.hpp: ${_header}")
endif()

# packaging/vcpkg/vcpkg.json: the port's manifest (scripts/release copies it into the overlay port)
file(READ "${SOURCE_DIR}/packaging/vcpkg/vcpkg.json" _manifest)
string(JSON _vcpkg ERROR_VARIABLE _json_error GET "${_manifest}" version)
if(_json_error)
    list(APPEND _errors "packaging/vcpkg/vcpkg.json: ${_json_error}")
elseif(NOT _vcpkg STREQUAL VERSION)
    list(APPEND _errors "packaging/vcpkg/vcpkg.json: \"version\": \"${_vcpkg}\"")
endif()

# tests/install/CMakeLists.txt: the downstream project asks for this release
file(STRINGS "${SOURCE_DIR}/tests/install/CMakeLists.txt" _request
    REGEX "^find_package\\(spiral [0-9.]+ ")
string(REGEX REPLACE "^find_package\\(spiral ([0-9.]+) .*" "\\1" _request "${_request}")
if(NOT _request STREQUAL _major_minor)
    list(APPEND _errors
        "tests/install/CMakeLists.txt: find_package(spiral ${_request} ...), expected ${_major_minor}")
endif()

if(_errors)
    list(JOIN _errors "\n  " _errors)
    message(FATAL_ERROR "project(spiral VERSION ${VERSION}) in CMakeLists.txt, but:\n  ${_errors}")
endif()
message(STATUS "packaging_version: ${VERSION} everywhere")
