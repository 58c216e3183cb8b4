// Must not compile as C++17: ctest `abi_cxx17` expects the headers' #error naming C++20.
#include <spiral/spiral.hpp>

int main() {}
