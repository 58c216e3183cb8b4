// require_throws_naming: the call throws spiral::invalid_argument whose message names every
// part given (field, row, value...).
#pragma once

#include <spiral/core/error.hpp>

#include <catch2/catch.hpp>

#include <initializer_list>
#include <string>

namespace spiral::test {

template <class F>
void require_throws_naming(F&& f, std::initializer_list<const char*> parts) {
    try {
        f();
        FAIL("no exception");
    } catch (const spiral::invalid_argument& e) {
        const std::string message = e.what();
        for (const char* part : parts) {
            INFO(message);
            CHECK(message.find(part) != std::string::npos);
        }
    }
}

} // namespace spiral::test
