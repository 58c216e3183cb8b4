# Work around the broken CMake package of Debian's xsimd 8.1: its exported `xsimd` target lists
# `xtl` in INTERFACE_LINK_LIBRARIES although xsimd does not need it, so anything linking it fails
# with "cannot find -lxtl". Drop that entry unless a real `xtl` target exists.
# The same code is inlined in spiralConfig.cmake.in (keep the two in sync).
function(spiral_fix_xsimd_target)
    if(NOT TARGET xsimd OR TARGET xtl)
        return()
    endif()
    get_target_property(_spiral_xsimd_libs xsimd INTERFACE_LINK_LIBRARIES)
    if(_spiral_xsimd_libs AND "xtl" IN_LIST _spiral_xsimd_libs)
        list(REMOVE_ITEM _spiral_xsimd_libs xtl)
        set_property(TARGET xsimd PROPERTY INTERFACE_LINK_LIBRARIES "${_spiral_xsimd_libs}")
    endif()
endfunction()
