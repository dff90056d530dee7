"""Is a stretch of data straight? A lack-of-fit F test of a straight line against a cubic.

F = ((SS_line − SS_cubic)/2) / (SS_cubic/(n − 4)) with 2 and n − 4 degrees of freedom (nested least-squares
models; e.g. Draper & Smith, *Applied Regression Analysis*, 3rd ed., 1998, §6.1). The cubic catches both
bending (quadratic) and S-shaped (cubic) departures. The test is invariant to shifting and scaling x, so x is
centred and scaled to [−1, 1] for numerical conditioning.
"""

from __future__ import annotations

import numpy as np
from scipy import stats


def line_vs_cubic_p_value(x: np.ndarray, y: np.ndarray) -> float:
    """p-value of the F test; small values reject the straight line. 1.0 when there are too few points (n ≤ 4)
    or the data are straight to rounding error."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    n = x.size
    if n <= 4:
        return 1.0
    t = (x - x.mean()) / (np.ptp(x) / 2)
    line_residual = y - np.polyval(np.polyfit(t, y, 1), t)
    cubic_residual = y - np.polyval(np.polyfit(t, y, 3), t)
    ss_line, ss_cubic = float(line_residual @ line_residual), float(cubic_residual @ cubic_residual)
    if ss_line <= 1e-20 * float(np.sum((y - y.mean()) ** 2)):
        return 1.0
    if ss_cubic <= 0.0:
        return 0.0
    return float(stats.f.sf(((ss_line - ss_cubic) / 2) / (ss_cubic / (n - 4)), 2, n - 4))
