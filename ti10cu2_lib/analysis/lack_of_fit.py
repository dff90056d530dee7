"""Is a stretch of data straight? A lack-of-fit F test of a straight line against a cubic (and, for time courses,
of a line through the origin against a quadratic through the origin: :func:`through_origin_p_value`).

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


def through_origin_p_value(t: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """F test of y = r·t against y = a·t + b·t² (both through the origin; t = 0 rows carry no information).

    Returns the p-value (small rejects the straight line; 1.0 with fewer than 3 points at t > 0 or a perfect line)
    and the sign of b: > 0 an accelerating course (induction period), < 0 a slowing one (saturation).

    >>> t = np.array([0.0, 1, 2, 3, 4])
    >>> p, curvature = through_origin_p_value(t, 40 * (1 - np.exp(-t / 2)))   # saturates
    >>> round(p, 4), curvature < 0
    (0.0095, True)
    """
    t, y = np.asarray(t, dtype=float), np.asarray(y, dtype=float)
    keep = t > 0
    t, y = t[keep], y[keep]
    n = t.size
    if n < 3:
        return 1.0, 0.0
    line_residual = y - t * (t @ y) / (t @ t)
    (a, b), *_ = np.linalg.lstsq(np.column_stack([t, t * t]), y, rcond=None)
    quadratic_residual = y - a * t - b * t * t
    ss_line, ss_quadratic = float(line_residual @ line_residual), float(quadratic_residual @ quadratic_residual)
    if ss_line <= 1e-20 * max(float(y @ y), 1e-300):
        return 1.0, float(b)
    if ss_quadratic <= 0.0:
        return 0.0, float(b)
    return float(stats.f.sf((ss_line - ss_quadratic) / (ss_quadratic / (n - 2)), 1, n - 2)), float(b)
