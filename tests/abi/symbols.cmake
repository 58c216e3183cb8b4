# ctest `abi_symbols`: the two units of tests/abi built for AVX2+FMA and for AVX-512 must not
# share a symbol that holds vector code, whatever the link order.
#
#   cmake -DAVX2_OBJECT=<unit.o built with -mavx2 -mfma> -DAVX512_OBJECT=<... -mavx512f ...>
#         -DNM=<nm> -DOBJDUMP=<objdump> -DWORK_DIR=<scratch> -P tests/abi/symbols.cmake
#
# 1. Each object defines the bulk entry points with its own target in their type (symbols that
#    mention xsimd::fma3<xsimd::avx2>, resp. xsimd::avx512bw), and no symbol defined in both
#    mentions an xsimd architecture.
# 2. No function of namespace spiral defined in both objects (the linker keeps one of the two
#    copies) uses an AVX-512 instruction in the AVX-512 object: no zmm register, no mask
#    register, no xmm16-31 / ymm16-31 (EVEX-only) operand.
cmake_minimum_required(VERSION 3.21)
foreach(_var IN ITEMS AVX2_OBJECT AVX512_OBJECT NM OBJDUMP WORK_DIR)
    if(NOT ${_var})
        message(FATAL_ERROR "symbols.cmake: ${_var} not set")
    endif()
endforeach()
file(MAKE_DIRECTORY "${WORK_DIR}")

# Defined code symbols (T, W) of namespace spiral, mangled; `out_demangled` the same, demangled.
function(spiral_code_symbols object out out_demangled)
    foreach(_form IN ITEMS mangled demangled)
        set(_args --defined-only)
        if(_form STREQUAL "demangled")
            list(APPEND _args -C)
        endif()
        execute_process(COMMAND "${NM}" ${_args} "${object}" OUTPUT_VARIABLE _text
            COMMAND_ERROR_IS_FATAL ANY)
        string(REPLACE ";" "," _text "${_text}") # keep list separators out of the names
        string(REPLACE "\n" ";" _lines "${_text}")
        set(_names "")
        foreach(_line IN LISTS _lines)
            if(_line MATCHES "^[0-9a-f]+ [TW] (.*spiral.*)$")
                list(APPEND _names "${CMAKE_MATCH_1}")
            endif()
        endforeach()
        set(_${_form} "${_names}")
    endforeach()
    set(${out} "${_mangled}" PARENT_SCOPE)
    set(${out_demangled} "${_demangled}" PARENT_SCOPE)
endfunction()

spiral_code_symbols("${AVX2_OBJECT}" avx2 avx2_demangled)
spiral_code_symbols("${AVX512_OBJECT}" avx512 avx512_demangled)

# 1. the entry points carry their target
foreach(_pair IN ITEMS "avx2_demangled|xsimd::fma3<xsimd::avx2>" "avx512_demangled|xsimd::avx512bw")
    string(REPLACE "|" ";" _pair "${_pair}")
    list(GET _pair 0 _list)
    list(GET _pair 1 _arch)
    set(_found 0)
    foreach(_name IN LISTS ${_list})
        string(FIND "${_name}" "${_arch}" _at)
        if(NOT _at EQUAL -1)
            math(EXPR _found "${_found} + 1")
        endif()
    endforeach()
    message(STATUS "${_list}: ${_found} spiral symbols name ${_arch}")
    if(_found LESS 5)
        message(FATAL_ERROR "the ${_arch} unit defines only ${_found} symbols naming its target")
    endif()
endforeach()

set(common "")
foreach(_name IN LISTS avx2)
    if(_name IN_LIST avx512)
        list(APPEND common "${_name}")
    endif()
endforeach()
list(LENGTH common _count)
message(STATUS "spiral code symbols defined in both units: ${_count}")
set(shared_arch "")
foreach(_name IN LISTS avx2_demangled)
    if(_name IN_LIST avx512_demangled AND _name MATCHES "xsimd::")
        list(APPEND shared_arch "${_name}")
    endif()
endforeach()
if(shared_arch)
    message(FATAL_ERROR "symbols naming an xsimd target defined in both units: ${shared_arch}")
endif()

# 2. no AVX-512 instruction in a shared symbol of the AVX-512 unit
execute_process(COMMAND "${OBJDUMP}" -d --no-show-raw-insn "${AVX512_OBJECT}"
    OUTPUT_FILE "${WORK_DIR}/avx512.s" COMMAND_ERROR_IS_FATAL ANY)
file(STRINGS "${WORK_DIR}/avx512.s" _lines)
set(_current "")
set(_shared FALSE)
set(offenders "")
foreach(_line IN LISTS _lines)
    if(_line MATCHES "^[0-9a-f]+ <(.+)>:$")
        set(_current "${CMAKE_MATCH_1}")
        string(REPLACE ";" "," _current "${_current}")
        set(_shared FALSE)
        if(_current IN_LIST common)
            set(_shared TRUE)
        endif()
    elseif(_shared AND _line MATCHES "%zmm|%k[1-7]|%[xy]mm(1[6-9]|2[0-9]|3[01])")
        list(APPEND offenders "${_current}")
        set(_shared FALSE) # one report per symbol
    endif()
endforeach()
if(offenders)
    list(REMOVE_DUPLICATES offenders)
    message(FATAL_ERROR "shared symbols with AVX-512 code (the AVX2 unit could run them): "
                        "${offenders}")
endif()
message(STATUS "abi_symbols: OK (${_count} shared spiral symbols, none with AVX-512 code)")
