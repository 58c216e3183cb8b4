# spiral_set_warnings(<target> [<target>...])
#
# Strict warnings for spiral's own tests, benchmarks and examples — never for the spiral/spiral_simd
# INTERFACE targets, whose consumers pick their own warning level. Third-party headers come in as
# SYSTEM includes (imported targets), so their warnings are not ours.
# Warnings are errors unless SPIRAL_WARNINGS_AS_ERRORS is OFF.
function(spiral_set_warnings)
    foreach(target IN LISTS ARGN)
        if(MSVC)
            target_compile_options(${target} PRIVATE /W4 /permissive-)
            if(SPIRAL_WARNINGS_AS_ERRORS)
                target_compile_options(${target} PRIVATE /WX)
            endif()
        else()
            target_compile_options(${target} PRIVATE
                -Wall -Wextra -Wpedantic -Wconversion -Wshadow)
            if(SPIRAL_WARNINGS_AS_ERRORS)
                target_compile_options(${target} PRIVATE -Werror)
            endif()
        endif()
    endforeach()
endfunction()

# spiral_avx512_workarounds(<target>)
#
# GCC bug 105593: with AVX-512 enabled, -Wall -Werror trips -W(maybe-)uninitialized inside
# avx512fintrin.h. Use on translation units built with AVX-512 (-mavx512f or -march=native).
function(spiral_avx512_workarounds target)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        target_compile_options(${target} PRIVATE -Wno-uninitialized -Wno-maybe-uninitialized)
    endif()
endfunction()
