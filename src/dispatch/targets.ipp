// The entry points of the target this translation unit is compiled for (included by
// target_<name>.cpp after checking that the flags gave the expected target). Each forwards to
// the header-only entry point, whose code is then this target's.
namespace spiral::dispatch::detail {

void black_scholes(bulk_target, const bs_columns& in, const greeks_columns& out) {
    spiral::black_scholes(in, out);
}
void black_scholes(bulk_target, const basic_bs_columns<float>& in,
                   const basic_greeks_columns<float>& out) {
    spiral::black_scholes(in, out);
}
void implied_vol(bulk_target, const implied_vol_columns& in, std::span<double> vol) {
    spiral::implied_vol(in, vol);
}
void position_requirement(bulk_target, const margin::option_rule& rule,
                          const margin::option_rule_columns& in,
                          const margin::requirement_columns& out) {
    margin::position_requirement(rule, in, out);
}

} // namespace spiral::dispatch::detail
