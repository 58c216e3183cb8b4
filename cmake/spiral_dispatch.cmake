# spiral_add_dispatch_library(<name> <source dir> <core target> <simd target>)
#
# Builds spiral's run-time dispatch (<spiral/dispatch.hpp>) as the static library <name>: the
# dispatcher at the baseline target, plus one translation unit per CPU target, each compiled
# with that target's flags (x86-64: SSE2, AVX2+FMA, AVX-512 F/CD/DQ/BW; AArch64: NEON).
# <core target> is spiral::spiral (the header), <simd target> spiral::simd (xsimd and
# SPIRAL_SIMD=1, for the library's own sources only); in spiral's own build spiral and spiral_simd.
# Used by spiral's CMakeLists.txt and, on the installed sources, by spiralConfig.cmake, so that
# the package itself stays header-only. Sets SPIRAL_DISPATCH_TARGETS in the caller's scope.
include_guard(GLOBAL)
include(CheckCXXSourceCompiles)

function(spiral_add_dispatch_library name source_dir core_target simd_target)
    set(_targets "")
    if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
        if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64|i[3-6]86)$")
            set(_flags_sse2 -msse2)
            set(_flags_avx2 -mavx2 -mfma)
            set(_flags_avx512 -mavx512f -mavx512cd -mavx512dq -mavx512bw -mavx2 -mfma)
            set(_candidates sse2 avx2 avx512)
        elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64|ARM64)$")
            set(_flags_neon64 "")
            set(_candidates neon64)
        endif()
    endif()
    foreach(_target IN LISTS _candidates)
        string(REPLACE ";" " " _flag_string "${_flags_${_target}}")
        set(CMAKE_REQUIRED_FLAGS "${_flag_string}")
        set(CMAKE_REQUIRED_QUIET ON)
        check_cxx_source_compiles("int main() { return 0; }" SPIRAL_DISPATCH_COMPILER_HAS_${_target})
        unset(CMAKE_REQUIRED_FLAGS)
        unset(CMAKE_REQUIRED_QUIET)
        if(SPIRAL_DISPATCH_COMPILER_HAS_${_target})
            list(APPEND _targets ${_target})
        endif()
    endforeach()
    set(SPIRAL_DISPATCH_TARGETS "${_targets}" PARENT_SCOPE)
    if(NOT _targets)
        message(STATUS "spiral: no run-time dispatch for this compiler/CPU family (spiral::dispatch not built)")
        return()
    endif()

    set(_sources "${source_dir}/dispatch.cpp")
    set(_definitions "")
    foreach(_target IN LISTS _targets)
        set(_source "${source_dir}/target_${_target}.cpp")
        list(APPEND _sources "${_source}")
        set_source_files_properties("${_source}" PROPERTIES COMPILE_OPTIONS "${_flags_${_target}}")
        string(TOUPPER "${_target}" _upper)
        list(APPEND _definitions "SPIRAL_DISPATCH_HAS_${_upper}=1")
    endforeach()
    # Built only when something links it: a consumer's ALL (or a port's install) has no use for it.
    add_library(${name} STATIC EXCLUDE_FROM_ALL ${_sources})
    set_source_files_properties("${source_dir}/dispatch.cpp" PROPERTIES
        COMPILE_DEFINITIONS "${_definitions}")
    target_link_libraries(${name} PUBLIC ${core_target} PRIVATE ${simd_target})
    target_compile_features(${name} PUBLIC cxx_std_20)
    set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON EXPORT_NAME dispatch)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        # GCC bug 105593: spurious -Wmaybe-uninitialized inside avx512fintrin.h
        target_compile_options(${name} PRIVATE -Wno-uninitialized -Wno-maybe-uninitialized)
    endif()
endfunction()
