# ctest spiral_stress_docs_key_table: the table of configuration keys in docs/stress.md (between
# the markers below) is what `spiral-stress --help-config-markdown` prints, so the documentation
# and the program's one key table cannot drift apart.
# With -DMODE=backtest: the table of `spiral-stress backtest --help-config-markdown`, between
# the backtest markers (ctest spiral_stress_backtest_docs_key_table); with -DMODE=frontier, of
# `spiral-stress frontier --help-config-markdown` (the keys of frontier and recommend) between
# the frontier markers (ctest spiral_stress_frontier_docs_key_table).
#   cmake -DPROGRAM=<spiral-stress> -DDOC=<docs/stress.md> [-DMODE=backtest|frontier] -P check_key_table.cmake
if(MODE STREQUAL "frontier")
    set(_begin "<!-- spiral-stress frontier keys: begin (spiral-stress frontier --help-config-markdown) -->\n")
    set(_end "<!-- spiral-stress frontier keys: end -->")
    set(_command "${PROGRAM}" frontier --help-config-markdown)
elseif(MODE STREQUAL "backtest")
    set(_begin "<!-- spiral-stress backtest keys: begin (spiral-stress backtest --help-config-markdown) -->\n")
    set(_end "<!-- spiral-stress backtest keys: end -->")
    set(_command "${PROGRAM}" backtest --help-config-markdown)
else()
    set(_begin "<!-- spiral-stress keys: begin (spiral-stress --help-config-markdown) -->\n")
    set(_end "<!-- spiral-stress keys: end -->")
    set(_command "${PROGRAM}" --help-config-markdown)
endif()
execute_process(COMMAND ${_command}
    OUTPUT_VARIABLE _table RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "${_command}: exit ${_rc}")
endif()
file(READ "${DOC}" _doc)
string(FIND "${_doc}" "${_begin}" _b)
string(FIND "${_doc}" "${_end}" _e)
if(_b EQUAL -1 OR _e EQUAL -1)
    message(FATAL_ERROR "${DOC}: no key table between '${_begin}' and '${_end}'")
endif()
string(LENGTH "${_begin}" _n)
math(EXPR _start "${_b} + ${_n}")
math(EXPR _length "${_e} - ${_start}")
string(SUBSTRING "${_doc}" ${_start} ${_length} _documented)
if(NOT _documented STREQUAL _table)
    message(FATAL_ERROR "${DOC}: the key table differs from `spiral-stress --help-config-markdown`; "
                        "paste its output between the markers.\nThe program prints:\n${_table}")
endif()
message(STATUS "${DOC}: the key table matches the program's")
