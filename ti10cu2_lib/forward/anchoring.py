"""Anchoring a reconstruction on a printed number: solve for the model parameter that makes *our analysis* of the
generated (noisy) data return the number the article prints.

A forward model with the reported value as its parameter does not in general give that value back: overlapping
bands pull the maxima together, a series capacitance moves the Mott–Schottky intercept, a noise realisation tilts a
fitted slope. The reconstructions therefore solve, with the noise realisation held fixed, for the parameter p with
analyse(generate(p)) = target, by the damped fixed-point iteration p ← p + (target − analyse(generate(p))). It
converges when the analysed value moves about one-for-one with the parameter (a shift of a band, of a flat band,
of a gap), which is the case for every use here; the step is halved whenever it does not bring the analysed value
closer. An automatic fit window makes the analysed value jump by up to a few 1e-4 of its unit where the window
moves by one data point, so the tolerances used are a tenth of the half-unit of the printed digit, not zero. The
result is deterministic: the same seed gives the same parameter and the same file.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

MAX_ITERATIONS = 30
GOAL_FRACTION = 0.01  # the iteration stops early once the residual is below this fraction of the tolerance


def solve_anchor(analysed: Callable[[np.ndarray], np.ndarray], start: np.ndarray, target: np.ndarray, *,
                 tolerance: float, damping: float = 1.0) -> np.ndarray:
    """The parameter vector p (same units as ``target``) with |analysed(p) − target| ≤ ``tolerance`` everywhere.

    ``analysed(p)`` generates the data with parameter p (fixed noise) and returns what the analysis finds. The
    iteration p ← p + damping·(target − analysed(p)) starts at ``start`` (damping halved after a step that did not
    reduce the largest residual) and returns the best p found after :data:`MAX_ITERATIONS` steps, or as soon as the
    residual is below :data:`GOAL_FRACTION` × ``tolerance``; if the best residual exceeds ``tolerance``, a
    :class:`RuntimeError` names it.

    Example (an analysis that reads a value 0.3 low):
        >>> solve_anchor(lambda p: p - 0.3, np.array([2.0]), np.array([2.0]), tolerance=1e-9)
        array([2.3])
    """
    target = np.asarray(target, dtype=float)
    parameter = np.asarray(start, dtype=float).copy()
    best, best_residual, best_step = parameter, np.inf, np.zeros_like(parameter)
    for _ in range(MAX_ITERATIONS):
        residual = target - np.asarray(analysed(parameter), dtype=float)
        worst = float(np.max(np.abs(residual)))
        if worst <= GOAL_FRACTION * tolerance:
            return parameter
        if worst < best_residual:
            best, best_residual, best_step = parameter, worst, residual
        else:
            damping *= 0.5
        parameter = best + damping * best_step
    if best_residual <= tolerance:
        return best
    raise RuntimeError(f"the anchoring iteration left a residual of {best_residual:.3g} (tolerance {tolerance:g}) "
                       f"at parameter {best}")
