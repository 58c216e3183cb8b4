# The static library `spiral_example_command_line` (command_line.cpp): the command line of the
# examples and of spiral-stress, with CLI11 (header-only; Debian: libcli11-dev) compiled once for
# all of them. Included by examples/ and tools/; the first include defines it. Needs CLI11::CLI11.
if(TARGET spiral_example_command_line)
    return()
endif()
add_library(spiral_example_command_line STATIC "${CMAKE_CURRENT_LIST_DIR}/command_line.cpp")
target_link_libraries(spiral_example_command_line PRIVATE spiral::spiral CLI11::CLI11)
target_include_directories(spiral_example_command_line INTERFACE "${CMAKE_CURRENT_LIST_DIR}/..")
spiral_set_warnings(spiral_example_command_line)
