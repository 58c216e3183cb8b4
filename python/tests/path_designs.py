"""The path-rule sets the path-engine tests draw from (test_cascade_path.py, test_stress.py):
the default keepers and the venue presets, each built for a step length in days."""
from spiral import cascade

DESIGNS = {
    "keepers": lambda step_days: cascade.path_rules(),
    "aave_v3_3": lambda step_days: cascade.venues.aave_v3_3(),
    "morpho": lambda step_days: cascade.venues.morpho_blue(),
    "compound": lambda step_days: cascade.venues.compound_v3_usdc_weth(),
    "clipper": lambda step_days: cascade.venues.maker_clipper_2021(step_days),
    "flipper": lambda step_days: cascade.venues.maker_flipper_march_2020(step_days),
}
