# Offline check of the vcpkg port (ctest `packaging_vcpkg_offline`); vcpkg itself is not needed.
#
#   cmake -DSOURCE_DIR=<repo> -DWORK_DIR=<scratch> [-DFEATURES="core;simd"] [-DCXX_COMPILER=c++]
#         [-DGENERATOR=<gen>] -P packaging/check-offline.cmake
#
# Makes a release of SOURCE_DIR's HEAD with scripts/release into WORK_DIR/release (the
# `git archive` tarball, its SHA512, the overlay port filled from them), then runs the generated
# portfile the way vcpkg would, with small stand-ins for the vcpkg_* helpers it calls: the
# download copies the file:// tarball and verifies its SHA512, the extraction unpacks it (one
# top-level directory removed); configure/install go into a vcpkg-like packages dir. Then it checks
# the package layout vcpkg expects, and builds and runs tests/install and the Conan test_package
# against the package.
#
# The package is built from the tarball, so from HEAD's commit: uncommitted changes are NOT in
# it (commit first). When SOURCE_DIR is not a git checkout (a build from a tarball) or git or
# bash is missing, the check prints "packaging_vcpkg_offline: SKIPPED" and the ctest is skipped.
cmake_minimum_required(VERSION 3.21)

foreach(_var IN ITEMS SOURCE_DIR WORK_DIR)
    if(NOT ${_var})
        message(FATAL_ERROR "check-offline.cmake: ${_var} not set")
    endif()
endforeach()
if(NOT DEFINED FEATURES)
    set(FEATURES core simd)
endif()
include("${SOURCE_DIR}/tests/install/consumer.cmake")

# --- the release: scripts/release into WORK_DIR/release ----------------------------------------
function(spiral_skip reason)
    message(STATUS "packaging_vcpkg_offline: SKIPPED: ${reason}")
endfunction()
find_program(GIT_EXECUTABLE git)
find_program(BASH_EXECUTABLE bash)
set(_skip "")
if(NOT GIT_EXECUTABLE OR NOT BASH_EXECUTABLE)
    set(_skip "git or bash not found (scripts/release needs both)")
else()
    execute_process(COMMAND "${GIT_EXECUTABLE}" -C "${SOURCE_DIR}" rev-parse --show-toplevel
        OUTPUT_VARIABLE _toplevel OUTPUT_STRIP_TRAILING_WHITESPACE
        RESULT_VARIABLE _rc ERROR_QUIET)
    if(_rc EQUAL 0)
        file(REAL_PATH "${_toplevel}" _toplevel)
    endif()
    file(REAL_PATH "${SOURCE_DIR}" _source)
    if(NOT _rc EQUAL 0 OR NOT _toplevel STREQUAL _source)
        set(_skip "${SOURCE_DIR} is not a git checkout (a release tarball?); the port is checked against a `git archive` of the repository's HEAD")
    endif()
endif()
if(_skip)
    spiral_skip("${_skip}")
    return()
endif()

file(REMOVE_RECURSE "${WORK_DIR}")
set(_release "${WORK_DIR}/release")
message(STATUS "packaging_vcpkg_offline: the tarball is HEAD's commit; uncommitted changes are "
               "not in it")
spiral_run("${BASH_EXECUTABLE}" "${SOURCE_DIR}/scripts/release" --out "${_release}"
    --no-changelog-check)
set(_port_dir "${_release}/ports/spiral")
spiral_require_files("${_release}" ports/spiral/portfile.cmake ports/spiral/vcpkg.json
    conan/conanfile.py conan/conandata.yml)

# --- what vcpkg provides to a portfile --------------------------------------------------------
set(PORT spiral)
file(READ "${_port_dir}/vcpkg.json" _manifest)
string(JSON VERSION GET "${_manifest}" version)
set(TARGET_TRIPLET x64-linux)
set(VCPKG_TARGET_EXECUTABLE_SUFFIX "")
set(CURRENT_PACKAGES_DIR "${WORK_DIR}/packages/${PORT}_${TARGET_TRIPLET}")
set(CURRENT_BUILDTREES_DIR "${WORK_DIR}/buildtrees/${PORT}")
set(CURRENT_INSTALLED_DIR "${WORK_DIR}/installed/${TARGET_TRIPLET}")
set(DOWNLOADS "${WORK_DIR}/downloads")
file(MAKE_DIRECTORY "${CURRENT_PACKAGES_DIR}" "${CURRENT_BUILDTREES_DIR}" "${DOWNLOADS}")

# file:///a%20b -> /a b
function(spiral_path_from_file_url url out_var)
    string(REGEX REPLACE "^file://" "" _path "${url}")
    string(REGEX MATCHALL "%[0-9A-Fa-f][0-9A-Fa-f]" _escapes "${_path}")
    list(REMOVE_DUPLICATES _escapes)
    foreach(_escape IN LISTS _escapes)
        string(SUBSTRING "${_escape}" 1 2 _hex)
        math(EXPR _code "0x${_hex}")
        string(ASCII ${_code} _char)
        string(REPLACE "${_escape}" "${_char}" _path "${_path}")
    endforeach()
    set(${out_var} "${_path}" PARENT_SCOPE)
endfunction()

# Like vcpkg's: the file lands in DOWNLOADS/<FILENAME> and must have the SHA512 the port states.
# Offline, so only file:// URLs.
function(vcpkg_download_distfile out_var)
    cmake_parse_arguments(PARSE_ARGV 1 arg "SKIP_SHA512" "FILENAME;SHA512" "URLS;HEADERS")
    if(NOT arg_URLS OR NOT arg_FILENAME)
        message(FATAL_ERROR "vcpkg_download_distfile: URLS and FILENAME are required")
    endif()
    if(arg_SKIP_SHA512 OR NOT arg_SHA512 MATCHES "^[0-9a-f]+$")
        message(FATAL_ERROR "vcpkg_download_distfile: a released port states the archive's "
                            "SHA512 (got '${arg_SHA512}')")
    endif()
    list(GET arg_URLS 0 _url)
    if(NOT _url MATCHES "^file://")
        message(FATAL_ERROR "[stub] vcpkg_download_distfile: offline, file:// URLs only: ${_url}")
    endif()
    spiral_path_from_file_url("${_url}" _from)
    set(_file "${DOWNLOADS}/${arg_FILENAME}")
    message(STATUS "[stub] vcpkg_download_distfile(${_url}) -> ${_file}")
    file(COPY_FILE "${_from}" "${_file}")
    file(SHA512 "${_file}" _actual)
    if(NOT _actual STREQUAL arg_SHA512)
        message(FATAL_ERROR "File does not have expected hash:\n  File path: ${_file}\n"
                            "  Expected hash: ${arg_SHA512}\n  Actual hash: ${_actual}")
    endif()
    set(${out_var} "${_file}" PARENT_SCOPE)
endfunction()

# Like vcpkg's: unpacks into CURRENT_BUILDTREES_DIR/src and, when the archive holds a single
# top-level directory, returns that directory.
function(vcpkg_extract_source_archive out_var)
    cmake_parse_arguments(PARSE_ARGV 1 arg "NO_REMOVE_ONE_LEVEL" "ARCHIVE;SOURCE_BASE" "PATCHES")
    if(NOT arg_ARCHIVE)
        message(FATAL_ERROR "vcpkg_extract_source_archive: ARCHIVE is required")
    endif()
    if(arg_PATCHES)
        message(FATAL_ERROR "[stub] vcpkg_extract_source_archive: PATCHES not handled")
    endif()
    get_filename_component(_base "${arg_ARCHIVE}" NAME)
    string(REGEX REPLACE "\\.tar\\.gz$|\\.tgz$|\\.zip$" "" _base "${_base}")
    if(arg_SOURCE_BASE)
        set(_base "${arg_SOURCE_BASE}")
    endif()
    set(_dir "${CURRENT_BUILDTREES_DIR}/src/${_base}.clean")
    file(REMOVE_RECURSE "${_dir}")
    file(ARCHIVE_EXTRACT INPUT "${arg_ARCHIVE}" DESTINATION "${_dir}")
    file(GLOB _entries LIST_DIRECTORIES true "${_dir}/*" "${_dir}/.*")
    list(LENGTH _entries _count)
    if(NOT arg_NO_REMOVE_ONE_LEVEL AND _count EQUAL 1 AND IS_DIRECTORY "${_entries}")
        set(_dir "${_entries}")
    endif()
    message(STATUS "[stub] vcpkg_extract_source_archive(${arg_ARCHIVE}) -> ${_dir}")
    set_property(GLOBAL PROPERTY spiral_vcpkg_source_path "${_dir}")
    set(${out_var} "${_dir}" PARENT_SCOPE)
endfunction()

function(vcpkg_check_features)
    cmake_parse_arguments(PARSE_ARGV 0 arg "" "OUT_FEATURE_OPTIONS" "FEATURES;INVERTED_FEATURES")
    set(_options "")
    foreach(_kind IN ITEMS FEATURES INVERTED_FEATURES)
        set(_pairs ${arg_${_kind}})
        while(_pairs)
            list(POP_FRONT _pairs _feature _option)
            if(_feature IN_LIST FEATURES)
                set(_on ON)
            else()
                set(_on OFF)
            endif()
            if(_kind STREQUAL "INVERTED_FEATURES")
                if(_on)
                    set(_on OFF)
                else()
                    set(_on ON)
                endif()
            endif()
            list(APPEND _options "-D${_option}=${_on}")
        endwhile()
    endforeach()
    message(STATUS "[stub] vcpkg_check_features(${FEATURES}): ${_options}")
    set(${arg_OUT_FEATURE_OPTIONS} "${_options}" PARENT_SCOPE)
endfunction()

function(vcpkg_cmake_configure)
    cmake_parse_arguments(PARSE_ARGV 0 arg "" "SOURCE_PATH" "OPTIONS;OPTIONS_RELEASE;OPTIONS_DEBUG")
    get_property(_extracted GLOBAL PROPERTY spiral_vcpkg_source_path)
    if(NOT arg_SOURCE_PATH STREQUAL _extracted)
        message(FATAL_ERROR "vcpkg_cmake_configure: SOURCE_PATH '${arg_SOURCE_PATH}' is not the "
                            "extracted archive '${_extracted}'")
    endif()
    if(NOT VCPKG_BUILD_TYPE STREQUAL "release")
        message(FATAL_ERROR "stub handles release-only ports; set(VCPKG_BUILD_TYPE release)")
    endif()
    set(_build "${CURRENT_BUILDTREES_DIR}/${TARGET_TRIPLET}-rel")
    set(_configure "${CMAKE_COMMAND}" -S "${arg_SOURCE_PATH}" -B "${_build}"
        -DCMAKE_BUILD_TYPE=Release
        "-DCMAKE_INSTALL_PREFIX=${CURRENT_PACKAGES_DIR}"
        -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
        ${arg_OPTIONS} ${arg_OPTIONS_RELEASE})
    if(GENERATOR)
        list(APPEND _configure -G "${GENERATOR}")
    endif()
    if(CXX_COMPILER)
        list(APPEND _configure "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}")
    endif()
    spiral_run(${_configure})
    set_property(GLOBAL PROPERTY spiral_vcpkg_build_dir "${_build}")
endfunction()

function(vcpkg_cmake_install)
    get_property(_build GLOBAL PROPERTY spiral_vcpkg_build_dir)
    spiral_run("${CMAKE_COMMAND}" --build "${_build}" --config Release)
    spiral_run("${CMAKE_COMMAND}" --install "${_build}" --config Release)
endfunction()

# Same moves and prefix corrections as vcpkg-cmake-config's helper, for the release-only case.
function(vcpkg_cmake_config_fixup)
    cmake_parse_arguments(PARSE_ARGV 0 arg "" "PACKAGE_NAME;CONFIG_PATH" "")
    if(NOT arg_PACKAGE_NAME)
        set(arg_PACKAGE_NAME "${PORT}")
    endif()
    if(NOT arg_CONFIG_PATH)
        set(arg_CONFIG_PATH "share/${arg_PACKAGE_NAME}")
    endif()
    set(_from "${CURRENT_PACKAGES_DIR}/${arg_CONFIG_PATH}")
    set(_to "${CURRENT_PACKAGES_DIR}/share/${arg_PACKAGE_NAME}")
    if(NOT EXISTS "${_from}")
        message(FATAL_ERROR "vcpkg_cmake_config_fixup: '${_from}' does not exist")
    endif()
    if(NOT _from STREQUAL _to)
        file(GLOB _files "${_from}/*")
        file(COPY ${_files} DESTINATION "${_to}")
        file(REMOVE_RECURSE "${_from}")
        get_filename_component(_parent "${_from}" DIRECTORY)
        get_filename_component(_parent_name "${_parent}" NAME)
        if(_parent_name STREQUAL "cmake")
            file(REMOVE_RECURSE "${_parent}")
        endif()
    endif()
    file(GLOB_RECURSE _cmakes "${_to}/*.cmake")
    foreach(_file IN LISTS _cmakes)
        file(READ "${_file}" _text)
        # exported targets: _IMPORT_PREFIX is now two levels up (share/<name>)
        string(REGEX REPLACE
            "(get_filename_component\\(_IMPORT_PREFIX \"\\\${CMAKE_CURRENT_LIST_FILE}\" PATH\\))(\nget_filename_component\\(_IMPORT_PREFIX \"\\\${_IMPORT_PREFIX}\" PATH\\))*"
            "\\1\nget_filename_component(_IMPORT_PREFIX \"\${_IMPORT_PREFIX}\" PATH)\nget_filename_component(_IMPORT_PREFIX \"\${_IMPORT_PREFIX}\" PATH)"
            _text "${_text}")
        # configure_package_config_file's PACKAGE_PREFIX_DIR
        string(REGEX REPLACE
            "get_filename_component\\(PACKAGE_PREFIX_DIR \"\\\${CMAKE_CURRENT_LIST_DIR}/\\.\\./(\\.\\./)*\" ABSOLUTE\\)"
            "get_filename_component(PACKAGE_PREFIX_DIR \"\${CMAKE_CURRENT_LIST_DIR}/../../\" ABSOLUTE)"
            _text "${_text}")
        string(REPLACE "${CURRENT_PACKAGES_DIR}" "\${_IMPORT_PREFIX}" _text "${_text}")
        file(WRITE "${_file}" "${_text}")
    endforeach()
endfunction()

# vcpkg rewrites prefix= to be relative to ${pcfiledir}; ours must already be relocatable.
function(vcpkg_fixup_pkgconfig)
    file(GLOB _pcs "${CURRENT_PACKAGES_DIR}/lib/pkgconfig/*.pc"
        "${CURRENT_PACKAGES_DIR}/share/pkgconfig/*.pc")
    if(NOT _pcs)
        message(FATAL_ERROR "vcpkg_fixup_pkgconfig: no .pc file installed")
    endif()
    foreach(_pc IN LISTS _pcs)
        file(STRINGS "${_pc}" _prefix REGEX "^prefix=")
        if(NOT _prefix MATCHES "^prefix=\\\${pcfiledir}/")
            message(FATAL_ERROR "${_pc}: prefix is not relative to \${pcfiledir}: ${_prefix}")
        endif()
        file(STRINGS "${_pc}" _abs REGEX "${CURRENT_PACKAGES_DIR}")
        if(_abs)
            message(FATAL_ERROR "${_pc}: absolute path to the packages dir: ${_abs}")
        endif()
    endforeach()
endfunction()

function(vcpkg_install_copyright)
    cmake_parse_arguments(PARSE_ARGV 0 arg "" "" "FILE_LIST")
    set(_text "")
    foreach(_file IN LISTS arg_FILE_LIST)
        file(READ "${_file}" _part)
        string(APPEND _text "${_part}")
    endforeach()
    file(WRITE "${CURRENT_PACKAGES_DIR}/share/${PORT}/copyright" "${_text}")
endfunction()

# --- run the generated port ---------------------------------------------------------------------
include("${_port_dir}/portfile.cmake")

# --- the release's other files: the .sha512 next to the tarball, the Conan recipe's conandata ----
set(_tarball "spiral-${VERSION}.tar.gz")
file(SHA512 "${_release}/${_tarball}" _sha512)
file(STRINGS "${_release}/${_tarball}.sha512" _line)
if(NOT _line STREQUAL "${_sha512}  ${_tarball}")
    message(FATAL_ERROR "${_tarball}.sha512 is not `sha512sum ${_tarball}`: ${_line}")
endif()
file(SHA256 "${_release}/${_tarball}" _sha256)
file(READ "${_release}/conan/conandata.yml" _conandata)
foreach(_expected IN ITEMS "\"${VERSION}\":" "sha256: \"${_sha256}\"" "/${_tarball}\"")
    string(FIND "${_conandata}" "${_expected}" _pos)
    if(_pos LESS 0)
        message(FATAL_ERROR "conan/conandata.yml lacks ${_expected}:\n${_conandata}")
    endif()
endforeach()

# --- what vcpkg's post-build checks and users expect -------------------------------------------
set(_pkg "${CURRENT_PACKAGES_DIR}")
spiral_require_files("${_pkg}"
    include/spiral/spiral.hpp
    share/spiral/spiralConfig.cmake
    share/spiral/spiralConfigVersion.cmake
    share/spiral/spiralTargets.cmake
    share/spiral/copyright
    share/pkgconfig/spiral.pc)
foreach(_unwanted IN ITEMS share/cmake debug lib bin)
    if(EXISTS "${_pkg}/${_unwanted}")
        message(FATAL_ERROR "package must not contain ${_unwanted}/")
    endif()
endforeach()
file(GLOB_RECURSE _leaks "${_pkg}/share/*.cmake")
foreach(_file IN LISTS _leaks)
    file(STRINGS "${_file}" _abs REGEX "${WORK_DIR}")
    if(_abs)
        message(FATAL_ERROR "${_file} hard-codes a build path: ${_abs}")
    endif()
endforeach()

if("simd" IN_LIST FEATURES)
    spiral_require_files("${_pkg}" include/spiral/simd.hpp share/spiral/spiralSimdTargets.cmake)
    spiral_check_consumer(PREFIX "${_pkg}" BUILD_DIR "${WORK_DIR}/consumer"
        CXX_COMPILER "${CXX_COMPILER}" GENERATOR "${GENERATOR}")
elseif(EXISTS "${_pkg}/share/spiral/spiralSimdTargets.cmake")
    message(FATAL_ERROR "feature simd off, but spiral::simd was exported")
endif()

# the Conan test_package project, as a plain CMake consumer: the headers are the port's version
spiral_check_test_package(PREFIX "${_pkg}" BUILD_DIR "${WORK_DIR}/test_package"
    VERSION "${VERSION}" CXX_COMPILER "${CXX_COMPILER}" GENERATOR "${GENERATOR}")

message(STATUS "packaging_vcpkg_offline (features: ${FEATURES}): OK")
