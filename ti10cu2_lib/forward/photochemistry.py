"""Forward models for the photochemistry data: CO2-photoreduction time courses and a photocurrent trace.

- ``co2_timecourse`` (RECONSTRUCTED): linear yield growth reaching the reported 4 h yields.
- ``photocurrent`` (ILLUSTRATIVE): the article shows Fig. S24 (cs only) but gives no numbers, so the trace
  is a shape with invented amplitude and time constants; it must never be read as evidence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.data.kinds import Dataset
from ti10cu2_lib.data.registry import Registry

GC_SAMPLING_STEP_H = 1.0  # one GC injection per hour, as CO2-reduction time courses are usually sampled
CO2_RELATIVE_NOISE = 0.03  # 1σ relative scatter of the intermediate points (typical GC repeatability)

# Illustrative photocurrent (invented: shape only)
CHOP_PERIOD_S = 20.0  # light on 20 s, off 20 s
N_CYCLES = 5
SAMPLING_S = 0.1
DARK_CURRENT_A = 5e-9
PHOTOCURRENT_A = 2e-7
TAU_RISE_S = 0.8
TAU_DECAY_S = 1.5
CURRENT_NOISE_A = 2e-9


def simulate_co2_timecourse(time_h: np.ndarray, rates_umol_per_g_h: Mapping[str, float], *,
                            relative_noise: float, rng: np.random.Generator) -> pd.DataFrame:
    """Yields (µmol/g) growing linearly at the given rates, with relative Gaussian scatter.

    The scatter is applied to the intermediate points only: t = 0 stays 0 and the last point equals
    rate × t_last exactly (so a reconstruction ends on the reported yield). Yields are clipped at 0.
    Columns: ``time_h`` and ``<P>_umol_per_g`` per product.
    """
    t = np.asarray(time_h, dtype=float)
    scatter = np.ones_like(t)
    scatter[1:-1] += relative_noise * rng.standard_normal(t.size - 2)
    columns = {"time_h": t}
    for product, rate in rates_umol_per_g_h.items():
        columns[f"{product}_umol_per_g"] = np.clip(rate * t * scatter, 0.0, None)
    return pd.DataFrame(columns)


def _co2_timecourse(form: str, registry: Registry, rng: np.random.Generator) -> Dataset:
    hours = registry.value("irradiation_time", form)
    yields = {"CH4": registry.value("ch4_yield_4h", form), "CO": registry.value("co_yield_4h", form)}
    time_h = np.arange(0.0, hours + GC_SAMPLING_STEP_H / 2, GC_SAMPLING_STEP_H)
    frame = simulate_co2_timecourse(time_h, {p: y / hours for p, y in yields.items()},
                                    relative_noise=CO2_RELATIVE_NOISE, rng=rng)
    co_text = "none detected (0)" if yields["CO"] == 0 else f"{yields['CO']:g} µmol/g"
    source = (f"reconstructed: linear growth over {hours:g} h reaching the reported {hours:g} h yields "
              f"(CH4 {yields['CH4']:g} µmol/g, CO {co_text}; article Fig. 5{'d' if form == 'sp' else 'c'}), "
              f"{CO2_RELATIVE_NOISE:.0%} scatter on intermediate points")
    assumptions = (
        "The article gives only the 4 h yields; the shape of the time course in Fig. 5c,d is not available.",
        "Yields grow linearly with time (constant rate = 4 h yield / 4 h): no induction period, no deactivation.",
        f"Sampled every {GC_SAMPLING_STEP_H:g} h (one GC injection per hour), from 0 to {hours:g} h.",
        f"The 0 h point is 0 and the {hours:g} h point equals the reported yield exactly; the intermediate points "
        f"carry {CO2_RELATIVE_NOISE:.0%} (1σ) relative Gaussian scatter, clipped at 0.",
        "sp: no CO was detected (article: 'only CH4 production'); its CO column is 0 at every time, meaning "
        "below the (unstated) detection limit." if form == "sp" else
        "cs: CO and CH4 form simultaneously (article: 'the yields of CO and CH4 increase simultaneously').",
    )
    return Dataset(kind="co2_timecourse", form=form, frame=frame, origin=Origin(Provenance.RECONSTRUCTED, source),
                   metadata={"irradiation_time_h": hours}, assumptions=assumptions)


def simulate_photocurrent(time_s: np.ndarray, light_on_s: Sequence[float], light_off_s: Sequence[float], *,
                          dark_current_A: float, photocurrent_A: float | Sequence[float], tau_rise_s: float,
                          tau_decay_s: float, noise_A: float, rng: np.random.Generator) -> pd.DataFrame:
    """Chopped-light photocurrent: first-order approach to dark + photocurrent (light) or dark (no light).

    ``photocurrent_A`` is one amplitude or one per light-on period (e.g. a decaying response). The current is
    continuous at every edge (each period starts from the level reached at its edge), plus white Gaussian
    noise of σ = ``noise_A``. Columns ``time_s``, ``current_A``.
    """
    t = np.asarray(time_s, dtype=float)
    amplitudes = iter(np.broadcast_to(np.asarray(photocurrent_A, dtype=float), (len(light_on_s),)))
    edges = sorted([(float(x), True) for x in light_on_s] + [(float(x), False) for x in light_off_s])
    current = np.full(t.shape, dark_current_A)
    level = dark_current_A
    for i, (start, light) in enumerate(edges):
        end = edges[i + 1][0] if i + 1 < len(edges) else np.inf
        target = dark_current_A + (float(next(amplitudes)) if light else 0.0)
        tau = tau_rise_s if light else tau_decay_s
        period = (t >= start) & (t < end)
        current[period] = target + (level - target) * np.exp(-(t[period] - start) / tau)
        if np.isfinite(end):
            level = target + (level - target) * np.exp(-(end - start) / tau)
    return pd.DataFrame({"time_s": t, "current_A": current + noise_A * rng.standard_normal(t.size)})


def _photocurrent(form: str, registry: Registry, rng: np.random.Generator) -> Dataset:
    light_on = [CHOP_PERIOD_S * (1 + 2 * i) for i in range(N_CYCLES)]
    light_off = [on + CHOP_PERIOD_S for on in light_on]
    time_s = np.round(np.arange(0.0, light_off[-1] + CHOP_PERIOD_S + SAMPLING_S / 2, SAMPLING_S), 6)
    frame = simulate_photocurrent(time_s, light_on, light_off, dark_current_A=DARK_CURRENT_A,
                                  photocurrent_A=PHOTOCURRENT_A, tau_rise_s=TAU_RISE_S, tau_decay_s=TAU_DECAY_S,
                                  noise_A=CURRENT_NOISE_A, rng=rng)
    source = (f"illustrative: shape only — {N_CYCLES} light on/off cycles of {CHOP_PERIOD_S:g} s with invented "
              f"amplitude {PHOTOCURRENT_A:g} A and time constants {TAU_RISE_S:g} s / {TAU_DECAY_S:g} s; the article "
              "(Fig. S24, cs only) says only 'rapid rise on light-on, rapid decay on light-off' and gives no numbers")
    assumptions = (
        "ILLUSTRATIVE, not reconstructed: the article gives no photocurrent numbers, so nothing here is evidence.",
        f"Amplitude ({PHOTOCURRENT_A:g} A), dark current ({DARK_CURRENT_A:g} A), rise and decay time constants "
        f"({TAU_RISE_S:g} s, {TAU_DECAY_S:g} s) and noise ({CURRENT_NOISE_A:g} A) are invented for shape.",
        "First-order (single-exponential) rise on light-on and decay on light-off; no spikes or drift.",
        "The same invented parameters are used for both forms; the article shows a trace for cs only, so any "
        "comparison between the forms from these traces is meaningless.",
        "Never used by the claims check.",
    )
    return Dataset(kind="photocurrent", form=form, frame=frame, origin=Origin(Provenance.ILLUSTRATIVE, source),
                   metadata={"light_on_s": light_on, "light_off_s": light_off}, assumptions=assumptions)


RECONSTRUCTORS = {"co2_timecourse": _co2_timecourse, "photocurrent": _photocurrent}
