"""spiral: the collateral value feedback loop in leveraged markets, from Python.

Bindings of the header-only C++ library spiral (pybind11). Columns are NumPy arrays: the bulk
calls read float64 (or float32) C-contiguous arrays in place and run on the CPU's best SIMD
target with the GIL released; other numeric arrays are converted, scalars are broadcast.

Top level: Black–Scholes Greeks and implied vol over columns (black_scholes, implied_vol,
implied_stddev), one option's price and 13 Greeks (greeks), element kernels broadcast like ufuncs
(black_scholes_price, black, implied_vol_element, norm_cdf, norm_pdf, norm_quantile).
Families: spiral.impact (price-impact curves), spiral.haircut (haircut models, composable with
+, max, cap, floor), spiral.margin (option rules, scenario grids, size-dependent and dynamic
margin, EWMA/GARCH), spiral.risk (estimators, nearest correlation, aggregation, scenarios),
spiral.cascade (liquidation cascades), spiral.stress (Monte Carlo stress runs along price paths).

Units follow the C++ library: time in years; rates, dividend yields and vols annualised and
continuously compounded; vega and rho per 1.00 (not per 1%); theta per year. Bad input raises
spiral.invalid_argument, a ValueError whose message names the function, field, row and value:
"spiral: black_scholes: vol[3] = -1 (must be 0 or in [1e-08, 100])".
"""

import sys as _sys

from . import _core
from ._core import (
    __version__,
    black,
    black_scholes,
    black_scholes_price,
    build_target,
    cascade,
    greeks,
    haircut,
    impact,
    implied_stddev,
    implied_vol,
    implied_vol_element,
    invalid_argument,
    margin,
    norm_cdf,
    norm_pdf,
    norm_quantile,
    option_type,
    risk,
    simd_target,
    stress,
)

call = option_type.call
put = option_type.put

# The families are submodules of the compiled module; make `import spiral.impact` and
# `from spiral.haircut import volatility` work as for any package.
for _name, _module in (
    ("impact", impact),
    ("haircut", haircut),
    ("haircut.basel", haircut.basel),
    ("margin", margin),
    ("margin.venues", margin.venues),
    ("risk", risk),
    ("cascade", cascade),
    ("stress", stress),
):
    _sys.modules[__name__ + "." + _name] = _module
    _sys.modules[__name__ + "._core." + _name] = _module


def to_frame(rows):
    """A pandas DataFrame of spiral's result objects, one row each (their as_dict()), or of a
    dict of columns (such as black_scholes returns). pandas is imported on first use."""
    import pandas

    if isinstance(rows, dict):
        return pandas.DataFrame(rows)
    return pandas.DataFrame([row.as_dict() for row in rows])


__all__ = [
    "__version__",
    "black",
    "black_scholes",
    "black_scholes_price",
    "build_target",
    "call",
    "cascade",
    "greeks",
    "haircut",
    "impact",
    "implied_stddev",
    "implied_vol",
    "implied_vol_element",
    "invalid_argument",
    "margin",
    "norm_cdf",
    "norm_pdf",
    "norm_quantile",
    "option_type",
    "put",
    "risk",
    "simd_target",
    "stress",
    "to_frame",
]
