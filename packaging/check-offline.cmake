# Offline check of the vcpkg port (ctest `packaging_vcpkg_offline`); vcpkg itself is not needed.
#
#   cmake -DSOURCE_DIR=<repo> -DWORK_DIR=<scratch> [-DFEATURES="core;simd"] [-DCXX_COMPILER=c++]
#         [-DGENERATOR=<gen>] -P packaging/check-offline.cmake
#
# Runs packaging/vcpkg/portfile.cmake with small stand-ins for the vcpkg_* helpers it calls (the
# source archive is the local tree; configure/install go into a vcpkg-like packages dir), checks
# the package layout vcpkg expects, then builds and runs tests/install against the package.
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

# --- what vcpkg provides to a portfile --------------------------------------------------------
set(PORT spiral)
file(READ "${SOURCE_DIR}/packaging/vcpkg/vcpkg.json" _manifest)
string(JSON VERSION GET "${_manifest}" version)
set(TARGET_TRIPLET x64-linux)
set(VCPKG_TARGET_EXECUTABLE_SUFFIX "")
set(CURRENT_PACKAGES_DIR "${WORK_DIR}/packages/${PORT}_${TARGET_TRIPLET}")
set(CURRENT_BUILDTREES_DIR "${WORK_DIR}/buildtrees/${PORT}")
set(CURRENT_INSTALLED_DIR "${WORK_DIR}/installed/${TARGET_TRIPLET}")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${CURRENT_PACKAGES_DIR}" "${CURRENT_BUILDTREES_DIR}")

function(vcpkg_from_github)
    cmake_parse_arguments(PARSE_ARGV 0 arg "" "OUT_SOURCE_PATH;REPO;REF;SHA512;HEAD_REF" "PATCHES")
    if(NOT arg_OUT_SOURCE_PATH OR NOT arg_REPO OR NOT arg_REF OR NOT DEFINED arg_SHA512)
        message(FATAL_ERROR "vcpkg_from_github: OUT_SOURCE_PATH, REPO, REF and SHA512 are required")
    endif()
    message(STATUS "[stub] vcpkg_from_github(${arg_REPO}@${arg_REF}) -> ${SOURCE_DIR}")
    set(${arg_OUT_SOURCE_PATH} "${SOURCE_DIR}" PARENT_SCOPE)
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

# --- run the port -------------------------------------------------------------------------------
include("${SOURCE_DIR}/packaging/vcpkg/portfile.cmake")

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

message(STATUS "packaging_vcpkg_offline (features: ${FEATURES}): OK")
