# spiral_echoed_config(REPORT OUT_VAR): the configuration a spiral-stress report.md echoes (its
# ```toml block: every key, defaults included), for the ctests that run it again.
function(spiral_echoed_config report out_var)
    file(READ "${report}" _report)
    string(FIND "${_report}" "```toml\n" _begin)
    if(_begin EQUAL -1)
        message(FATAL_ERROR "${report} has no ```toml block")
    endif()
    math(EXPR _begin "${_begin} + 8")
    string(SUBSTRING "${_report}" ${_begin} -1 _rest)
    string(FIND "${_rest}" "```" _end)
    string(SUBSTRING "${_rest}" 0 ${_end} _echo)
    set(${out_var} "${_echo}" PARENT_SCOPE)
endfunction()
