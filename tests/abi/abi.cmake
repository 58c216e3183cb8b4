# Two translation units built for different CPU targets in one program (tests/abi/main.cpp), the
# symbol check (symbols.cmake), the run-time dispatcher, and the consumers that only link
# spiral::simd. Used by tests/CMakeLists.txt and, against an installed spiral, by tests/install.
#
# spiral_add_consumer_test(<name> <source> <target to link> <expected arch> [<definitions>...])
function(spiral_add_consumer_test name source link arch)
    add_executable(${name} "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/${source}")
    target_link_libraries(${name} PRIVATE ${link})
    set(_simd 1)
    if(arch STREQUAL "scalar")
        set(_simd 0)
    endif()
    target_compile_definitions(${name} PRIVATE ${ARGN} SPIRAL_EXPECT_SIMD=${_simd}
                               "SPIRAL_EXPECT_ARCH=\"${arch}\"")
    add_test(NAME ${name} COMMAND ${name})
endfunction()

# spiral_add_abi_tests(<prefix> <core target> <simd target> [<dispatch target>])
function(spiral_add_abi_tests prefix core simd)
    set(_dir "${CMAKE_CURRENT_FUNCTION_LIST_DIR}")
    set(_flags_avx2 -mavx2 -mfma)
    set(_flags_avx512 -mavx512f -mavx512dq -mavx512bw -mavx2 -mfma)
    foreach(_unit IN ITEMS baseline avx2 avx512)
        add_library(${prefix}_abi_${_unit} OBJECT "${_dir}/unit.cpp")
        target_link_libraries(${prefix}_abi_${_unit} PRIVATE ${simd})
        target_compile_definitions(${prefix}_abi_${_unit} PRIVATE SPIRAL_ABI_UNIT=run_${_unit})
        target_compile_options(${prefix}_abi_${_unit} PRIVATE ${_flags_${_unit}})
        if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
            target_compile_options(${prefix}_abi_${_unit} PRIVATE -Wno-maybe-uninitialized)
        endif()
    endforeach()
    add_executable(${prefix}_abi "${_dir}/main.cpp" $<TARGET_OBJECTS:${prefix}_abi_baseline>
                   $<TARGET_OBJECTS:${prefix}_abi_avx2> $<TARGET_OBJECTS:${prefix}_abi_avx512>)
    target_link_libraries(${prefix}_abi PRIVATE ${simd})
    add_test(NAME ${prefix}_abi_two_targets COMMAND ${prefix}_abi)

    find_program(SPIRAL_NM NAMES nm llvm-nm)
    find_program(SPIRAL_OBJDUMP NAMES objdump llvm-objdump)
    if(SPIRAL_NM AND SPIRAL_OBJDUMP)
        add_test(NAME ${prefix}_abi_symbols
            COMMAND "${CMAKE_COMMAND}"
                "-DAVX2_OBJECT=$<TARGET_OBJECTS:${prefix}_abi_avx2>"
                "-DAVX512_OBJECT=$<TARGET_OBJECTS:${prefix}_abi_avx512>"
                "-DNM=${SPIRAL_NM}" "-DOBJDUMP=${SPIRAL_OBJDUMP}"
                "-DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/${prefix}_abi_symbols"
                -P "${_dir}/symbols.cmake")
    endif()

    # Consumers that only link spiral::simd (no include decides), one without SIMD, one that
    # opts out with SPIRAL_NO_SIMD.
    spiral_add_consumer_test(${prefix}_consumer_bulk_only consumer_bulk_only.cpp ${simd} sse2)
    spiral_add_consumer_test(${prefix}_consumer_umbrella_first consumer_umbrella_first.cpp ${simd}
                             sse2)
    spiral_add_consumer_test(${prefix}_consumer_scalar consumer_bulk_only.cpp ${core} scalar)
    spiral_add_consumer_test(${prefix}_consumer_opt_out consumer_bulk_only.cpp ${simd} scalar
                             SPIRAL_NO_SIMD)

    if(ARGC GREATER 3 AND TARGET ${ARGV3})
        add_executable(${prefix}_dispatch_test "${_dir}/dispatch.cpp")
        target_link_libraries(${prefix}_dispatch_test PRIVATE ${ARGV3} ${core})
        add_test(NAME ${prefix}_dispatch COMMAND ${prefix}_dispatch_test)
    endif()
endfunction()

# spiral_add_compile_failure_tests(<include dir> <xsimd include flags...>)
# Translation units that must stop with spiral's #error: C++17, and the two mixed SIMD choices.
function(spiral_add_compile_failure_tests include_dir)
    set(_dir "${CMAKE_CURRENT_FUNCTION_LIST_DIR}")
    set(_compile "${CMAKE_CXX_COMPILER}" -fsyntax-only "-I${include_dir}" ${ARGN})
    add_test(NAME abi_cxx17 COMMAND ${_compile} -std=c++17 "${_dir}/cxx17.cpp")
    set_tests_properties(abi_cxx17 PROPERTIES PASS_REGULAR_EXPRESSION "spiral needs C\\+\\+20")
    add_test(NAME abi_mixed_order COMMAND ${_compile} -std=c++20 "${_dir}/mixed_order.cpp")
    set_tests_properties(abi_mixed_order PROPERTIES
        PASS_REGULAR_EXPRESSION "included after another spiral header had chosen scalar code")
    add_test(NAME abi_mixed_opt_out COMMAND ${_compile} -std=c++20 -DSPIRAL_SIMD=1
        "${_dir}/mixed_opt_out.cpp")
    set_tests_properties(abi_mixed_opt_out PROPERTIES
        PASS_REGULAR_EXPRESSION "SPIRAL_NO_SIMD was defined after a spiral header had chosen SIMD")
endfunction()
