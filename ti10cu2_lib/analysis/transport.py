"""σ = n·e·μ cross-check: the mobility a conductivity and a Mott–Schottky carrier density imply, and the current a
micrometre-sized crystal of that conductivity would carry.

- Mobility μ = σ/(n·e) (σ in S/m, n in m⁻³ → m² V⁻¹ s⁻¹, ×10⁴ → cm² V⁻¹ s⁻¹). It is compared with
  :data:`MOBILITY_RANGE_CM2_PER_V_S`, 10⁻⁶…10 cm² V⁻¹ s⁻¹, the span of organic and molecular semiconductors from
  disordered films to the best single crystals (Coropceanu et al., Chem. Rev. 2007, 107, 926). A value far outside
  it says that σ and n do not describe the same carriers (e.g. n from a film's Mott–Schottky plot with an assumed
  area and permittivity, σ from one crystal with assumed dimensions), not that the material is exotic.
- Crystal current I = σ·(A/L)·V for a crystal of the size the article describes only in words ("micrometre-sized
  rod-like supercrystals"; default 10 µm long between the contacts, 1 µm × 1 µm cross-section) at the 0.2 V end of
  the article's sweep (Fig. 4), next to :data:`MEASURABLE_CURRENT_A` (≈ 10 fA): a good electrometer resolves ~1 fA,
  but its noise plus the leakage of the fixture puts a practical floor near 10 fA.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import constants

from ti10cu2_lib.analysis.conductivity import ConductivityResult, analyse_iv
from ti10cu2_lib.analysis.mott_schottky import MottSchottkyResult, analyse_mott_schottky
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, computed_from
from ti10cu2_lib.core.results import Result
from ti10cu2_lib.data.kinds import Dataset

MOBILITY_RANGE_CM2_PER_V_S = (1e-6, 10.0)
MOBILITY_RANGE_SOURCE = ("organic/molecular semiconductors, disordered films (~1e-6 cm²/Vs) to the best single "
                         "crystals (~10 cm²/Vs): Coropceanu et al., Chem. Rev. 2007, 107, 926")
MEASURABLE_CURRENT_A = 10e-15
MEASURABLE_CURRENT_SOURCE = ("≈ 10 fA: practical floor of a good electrometer (≈ 1 fA resolution, a few fA of "
                             "noise plus the leakage of the fixture)")
MICROCRYSTAL_LENGTH_UM = 10.0
MICROCRYSTAL_AREA_UM2 = 1.0
BIAS_V = 0.2  # the end of the article's −0.2…+0.2 V sweep (Fig. 4)
#: ε and electrode area used to turn a Mott–Schottky slope into a carrier density (neither is in the article; the
#: same values as the reconstruction of the Mott–Schottky data).
ASSUMED_PERMITTIVITY = 10.0
ASSUMED_ELECTRODE_AREA_CM2 = 1.0


def implied_mobility_cm2_per_V_s(conductivity_S_per_m: float, carrier_density_per_m3: float) -> float:
    """μ = σ/(n·e) in cm² V⁻¹ s⁻¹.

    >>> f"{implied_mobility_cm2_per_V_s(1.602176634e-19 * 1e24, 1e24):.3g}"   # σ = n·e·(1 m²/Vs)
    '1e+04'
    """
    if not carrier_density_per_m3 > 0:
        raise InputError(f"carrier density {carrier_density_per_m3} m⁻³ is not positive",
                         fix="give the Mott–Schottky analysis a permittivity and an electrode area")
    return conductivity_S_per_m / (carrier_density_per_m3 * constants.e) * 1e4


def crystal_current_A(conductivity_S_per_m: float, length_um: float, area_um2: float, bias_V: float) -> float:
    """I = σ·(A/L)·V in A for a bar L µm long with cross-section A µm².

    >>> f"{crystal_current_A(5.9e-9, 10.0, 1.0, 0.2):.3g}"
    '1.18e-16'
    """
    if not (length_um > 0 and area_um2 > 0):
        raise InputError(f"crystal {length_um} µm × {area_um2} µm² is not a positive size",
                         fix="give a positive length and cross-section")
    return conductivity_S_per_m * (area_um2 * 1e-12) / (length_um * 1e-6) * bias_V


@dataclass(frozen=True)
class TransportCheck(Result):
    """Implied mobility (cm² V⁻¹ s⁻¹) and micro-crystal current (A), each with the range/threshold it is judged by."""

    form: str | None
    conductivity_S_per_m: float
    carrier_density_per_cm3: float
    carrier_density_assumption: str
    mobility_cm2_per_V_s: float
    mobility_range_cm2_per_V_s: tuple[float, float]
    mobility_range_source: str
    mobility_in_range: bool
    crystal_length_um: float
    crystal_area_um2: float
    crystal_assumption: str
    bias_V: float
    crystal_current_A: float
    measurable_current_A: float
    measurable_current_source: str
    current_measurable: bool
    warnings: tuple[str, ...]
    origin: Origin


def mean_carrier_density_per_m3(mott_schottky: MottSchottkyResult) -> float:
    """Mean carrier density (m⁻³) over the frequencies of a Mott–Schottky result analysed with ε and an area."""
    densities = [f.carrier_density_per_m3 for f in mott_schottky.frequencies if f.carrier_density_per_m3]
    if not densities:
        raise InputError("the Mott–Schottky result holds no carrier density",
                         fix="analyse it with a permittivity and an electrode area")
    return float(np.mean(densities))


def transport_check(conductivity: ConductivityResult, carrier_density_per_m3: float, *, density_origin: Origin,
                    density_assumption: str, form: str | None = None,
                    crystal_length_um: float = MICROCRYSTAL_LENGTH_UM,
                    crystal_area_um2: float = MICROCRYSTAL_AREA_UM2, bias_V: float = BIAS_V) -> TransportCheck:
    """σ = n·e·μ cross-check of one form with carrier density n (m⁻³), e.g. the mean Mott–Schottky density."""
    density = carrier_density_per_m3
    sigma = conductivity.conductivity_S_per_m
    mobility = implied_mobility_cm2_per_V_s(sigma, density)
    low, high = MOBILITY_RANGE_CM2_PER_V_S
    current = crystal_current_A(sigma, crystal_length_um, crystal_area_um2, bias_V)
    warnings = []
    if not low <= mobility <= high:
        side = "below" if mobility < low else "above"
        warnings.append(f"implied mobility {mobility:.2g} cm²/Vs is far {side} the {low:g}–{high:g} cm²/Vs of "
                        "organic/molecular solids: σ and n do not describe the same carriers (assumed geometry, "
                        "area or permittivity, or a carrier density that is not the bulk one)")
    if abs(current) < MEASURABLE_CURRENT_A:
        warnings.append(f"a {crystal_length_um:g} µm × {crystal_area_um2:g} µm² crystal would carry "
                        f"{abs(current) * 1e15:.2g} fA at {bias_V:g} V, below the ≈ {MEASURABLE_CURRENT_A * 1e15:g} fA "
                        "a good electrometer can measure: a micrometre-sized crystal could not give this I–V")
    crystal = (f"a crystal {crystal_length_um:g} µm long between the contacts with {crystal_area_um2:g} µm² "
               "cross-section (the article says only 'micrometre-sized rod-like supercrystals'; assumed)")
    method = (f"σ = n·e·μ cross-check: μ = σ/(n e), n = {density * 1e-6:.2g} cm⁻³; current of {crystal} "
              f"at {bias_V:g} V")
    return TransportCheck(
        form=form, conductivity_S_per_m=sigma, carrier_density_per_cm3=density * 1e-6,
        carrier_density_assumption=density_assumption,
        mobility_cm2_per_V_s=mobility, mobility_range_cm2_per_V_s=MOBILITY_RANGE_CM2_PER_V_S,
        mobility_range_source=MOBILITY_RANGE_SOURCE, mobility_in_range=bool(low <= mobility <= high),
        crystal_length_um=crystal_length_um, crystal_area_um2=crystal_area_um2, crystal_assumption=crystal,
        bias_V=bias_V, crystal_current_A=current, measurable_current_A=MEASURABLE_CURRENT_A,
        measurable_current_source=MEASURABLE_CURRENT_SOURCE,
        current_measurable=bool(abs(current) >= MEASURABLE_CURRENT_A), warnings=tuple(warnings),
        origin=computed_from(conductivity.origin, density_origin, method=method))


def analyse_transport(iv: Dataset, mott_schottky: Dataset, *, blank: Dataset | None = None,
                      permittivity: float = ASSUMED_PERMITTIVITY,
                      area_cm2: float = ASSUMED_ELECTRODE_AREA_CM2) -> TransportCheck:
    """:func:`transport_check` from the datasets: σ of the I–V sweep, n from the Mott–Schottky data with
    ``permittivity`` and ``area_cm2`` (default: the values the reconstruction assumes; not in the article)."""
    ms = analyse_mott_schottky(mott_schottky, permittivity=permittivity, area_cm2=area_cm2)
    return transport_check(analyse_iv(iv, blank=blank), mean_carrier_density_per_m3(ms), density_origin=ms.origin,
                           density_assumption=ms.carrier_density_assumption or "", form=iv.form)
