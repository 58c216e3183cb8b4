# spiral_header_version(<version.hpp> <out_var>): the version that include/spiral/version.hpp
# states, as MAJOR.MINOR.PATCH ("?" for a part it does not define). Used by the top-level
# CMakeLists.txt (configure-time check) and packaging/check-version.cmake (ctest).
function(spiral_header_version header out_var)
    file(STRINGS "${header}" _defines REGEX "^#define SPIRAL_VERSION_(MAJOR|MINOR|PATCH) +[0-9]+( .*)?$")
    set(_version "")
    foreach(_part IN ITEMS MAJOR MINOR PATCH)
        set(_number "?")
        foreach(_line IN LISTS _defines)
            if(_line MATCHES "^#define SPIRAL_VERSION_${_part} +([0-9]+)")
                set(_number "${CMAKE_MATCH_1}")
            endif()
        endforeach()
        list(APPEND _version "${_number}")
    endforeach()
    list(JOIN _version "." _version)
    set(${out_var} "${_version}" PARENT_SCOPE)
endfunction()
