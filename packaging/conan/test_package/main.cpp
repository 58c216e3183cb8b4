// Conan test_package of spiral, also built against a plain CMake install (ctest install_consumer
// and packaging_vcpkg_offline): the package's headers compile and run, and they are the version
// the package claims.
//
//   test_package <expected version>     e.g. test_package 0.2.0; without it, only prints
#include <spiral/options/black_scholes.hpp>
#include <spiral/version.hpp>

#include <cmath>
#include <cstdio>
#include <string>

int main(int argc, char** argv) {
    const std::string version = std::to_string(SPIRAL_VERSION_MAJOR) + "." +
                                std::to_string(SPIRAL_VERSION_MINOR) + "." +
                                std::to_string(SPIRAL_VERSION_PATCH);
    const double price = spiral::black_scholes_price(
        spiral::option_type::call,
        spiral::bs_input<double>{
            .spot = 100, .strike = 100, .time = 1, .rate = 0.05, .dividend = 0, .vol = 0.2});
    std::printf("spiral %s (SPIRAL_VERSION %d): call price %.12f\n", version.c_str(),
                SPIRAL_VERSION, price);
    if (!(std::abs(price - 10.450583572185565) <= 1e-9)) {
        std::fprintf(stderr, "test_package: call price %.17g, expected 10.450583572185565\n",
                     price);
        return 1;
    }
    if (argc > 1 && version != argv[1]) {
        std::fprintf(stderr, "test_package: the headers are spiral %s, the package says %s\n",
                     version.c_str(), argv[1]);
        return 1;
    }
    return 0;
}
