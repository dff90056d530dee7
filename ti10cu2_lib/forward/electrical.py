"""Forward models for the electrical measurements: Mott–Schottky C(E) curves and single-crystal I–V sweeps.

Nothing here is measured: these generate the embedded *reconstructed* datasets from the article's reported
flat-band potentials (Fig. 5a,b) and conductivities (Fig. 4) plus the explicit assumptions listed with each
dataset. The simulation functions take every parameter explicitly, so the tests can run round trips with them.

- Mott–Schottky: the space-charge capacitance (Boltzmann statistics) in series with a Helmholtz-layer capacitance,
  so that 1/C² stays finite and positive in accumulation (1/C → 1/C_H) instead of dropping to 0 (an infinite
  capacitance). The series capacitance bends the depletion line and moves its x-intercept by a few mV, so the
  model flat band is solved (:mod:`~ti10cu2_lib.forward.anchoring`, noise held fixed) such that our Mott–Schottky
  analysis of the generated curves returns the reported flat band (mean over the printed frequencies).
- I–V: ohmic, with the model conductance set so that the least-squares slope of the noisy sweep is exactly
  σ_reported·A/L (the slope of the noise realisation is subtracted), so our analysis returns the printed σ.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import constants

from ti10cu2_lib.analysis.conductivity import conductance_from_conductivity
from ti10cu2_lib.analysis.electrodes import from_nhe, reference_potential_V_vs_NHE
from ti10cu2_lib.analysis.mott_schottky import ROOM_TEMPERATURE_K, analyse_mott_schottky, thermal_voltage_V
from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.data.kinds import Dataset
from ti10cu2_lib.data.registry import Registry
from ti10cu2_lib.forward.anchoring import solve_anchor

# ---------------------------------------------------------------- Mott–Schottky model parameters (assumed)
MS_REFERENCE = "Ag/AgCl (sat. KCl)"  # +0.197 V vs NHE
MS_POTENTIALS_V = np.round(np.arange(-1.20, 0.40 + 1e-9, 0.01), 3)  # vs Ag/AgCl, 10 mV steps
MS_PERMITTIVITY = 10.0
MS_DONOR_DENSITY_PER_M3 = 1e24  # 1e18 cm⁻³
MS_AREA_CM2 = 1.0
MS_HELMHOLTZ_UF_PER_CM2 = 10.0  # Helmholtz-layer capacitance in series (usual 10–20 µF/cm² for oxide/electrolyte)
MS_SATURATION_BIAS_V = 0.8
MS_SATURATION_SHARPNESS = 4.0
MS_DISPERSION_EXPONENT = 0.2
MS_REFERENCE_FREQUENCY_HZ = 1000.0
MS_RELATIVE_NOISE = 0.005
MS_ANCHOR_TOLERANCE_V = 5e-4  # the mean analysed flat band lands within this of the reported one

# ---------------------------------------------------------------- I–V model parameters (assumed)
IV_STEP_V = 0.01
IV_NOISE_RMS_A = 2e-15
IV_OFFSET_A = 0.5e-15


@dataclass(frozen=True)
class CrystalGeometry:
    """Assumed single-crystal dimensions for the two-probe I–V (the article gives none)."""

    length_mm: float
    area_mm2: float
    description: str


CRYSTALS = {
    "sp": CrystalGeometry(0.40, 0.16, "a block crystal (the article: 'yellow block crystals') 0.40 mm between the "
                                      "contacts with a 0.40 mm × 0.40 mm cross-section (0.16 mm²), a usual size "
                                      "for a crystal picked for single-crystal work"),
    "cs": CrystalGeometry(0.60, 0.0144, "a rod (the article: 'rod-like supercrystals', 'highly anisotropic') "
                                        "0.60 mm long, contacted at its two ends so the current runs along the "
                                        "chains, with a 0.12 mm × 0.12 mm cross-section (0.0144 mm²); the "
                                        "article calls the rods 'micrometre-sized', so this is at the large end"),
}


def space_charge_inverse_square_capacitance(potential_V: np.ndarray, *, flat_band_V: float,
                                            carrier_density_per_m3: float, permittivity: float,
                                            carrier_type: str = "n",
                                            temperature_K: float = ROOM_TEMPERATURE_K) -> np.ndarray:
    """(A/C)² of the space-charge layer in m⁴ F⁻² (majority carriers only, Boltzmann statistics).

    1/C² = (2 kT / (e² ε ε0 N))·F(v), F(v) = (eᵛ − v − 1)/(eᵛ − 1)², v = −e(E − E_fb)/kT for n-type (+ for
    p-type): accumulation (C grows, 1/C² → 0) on one side of E_fb, and in depletion F → |v| − 1, i.e. the
    Mott–Schottky line with its x-intercept kT/e beyond E_fb (Bard & Faulkner, *Electrochemical Methods*,
    2nd ed., §18.2).
    """
    kT = thermal_voltage_V(temperature_K)
    sign = -1.0 if carrier_type == "n" else 1.0
    v = sign * (np.asarray(potential_V, dtype=float) - flat_band_V) / kT
    f = np.empty_like(v)
    large, small = v > 30.0, np.abs(v) < 1e-3
    middle = ~large & ~small
    em1 = np.expm1(v[middle])
    f[middle] = (em1 - v[middle]) / em1**2
    f[large] = np.exp(-v[large])
    f[small] = 0.5 - v[small] / 3.0
    return 2.0 * kT / (constants.e * permittivity * constants.epsilon_0 * carrier_density_per_m3) * f


def simulate_mott_schottky(potential_V: np.ndarray, frequencies_Hz: tuple[float, ...], *, flat_band_V: float,
                           carrier_density_per_m3: float, permittivity: float, area_cm2: float,
                           carrier_type: str = "n", temperature_K: float = ROOM_TEMPERATURE_K,
                           saturation_bias_V: float = MS_SATURATION_BIAS_V,
                           saturation_sharpness: float = MS_SATURATION_SHARPNESS,
                           dispersion_exponent: float = MS_DISPERSION_EXPONENT,
                           reference_frequency_Hz: float = MS_REFERENCE_FREQUENCY_HZ,
                           relative_noise: float = MS_RELATIVE_NOISE,
                           helmholtz_uF_per_cm2: float | None = None,
                           rng: np.random.Generator) -> pd.DataFrame:
    """Capacitance (F) vs potential (V, same reference as ``flat_band_V``) at each frequency, long format.

    - space charge: :func:`space_charge_inverse_square_capacitance`;
    - levelling-off at large depletion bias (phenomenological, e.g. surface states taking over):
      y → y / (1 + (y/y_sat)^s)^(1/s), y_sat being the ideal line's value ``saturation_bias_V`` from E_fb;
    - Helmholtz layer in series: 1/C = 1/C_sc + 1/C_H (``helmholtz_uF_per_cm2`` in µF/cm²; None, the default,
      leaves it out: the ideal model whose intercept is exactly E_fb + kT/e), so in accumulation C → C_H (finite)
      instead of growing without bound; in depletion it raises the slope of 1/C² by the factor ≈ 1 + C_sc/C_H
      and moves the x-intercept negative by 10–20 mV (10 µF/cm², 1e18 cm⁻³, ε = 10);
    - frequency dispersion (constant-phase-element-like): C ∝ (f/f_ref)^−β, so the slope of 1/C² scales by
      (f/f_ref)^(2β) while the intercept stays;
    - noise: Gaussian, ``relative_noise`` of each capacitance.

    Example (accumulation at −1.2 V, 0.5 V below the flat band, is held at the Helmholtz capacitance):
        >>> frame = simulate_mott_schottky(np.array([-1.2, 0.0]), (1000.0,), flat_band_V=-0.7,
        ...     carrier_density_per_m3=1e24, permittivity=10.0, area_cm2=1.0, relative_noise=0.0,
        ...     helmholtz_uF_per_cm2=10.0, rng=np.random.default_rng(0))
        >>> round(float(frame["capacitance_F"].iloc[0]) * 1e6, 2)  # µF: C_H = 10 µF/cm² × 1 cm²
        10.0
    """
    potential_V = np.asarray(potential_V, dtype=float)
    y = space_charge_inverse_square_capacitance(potential_V, flat_band_V=flat_band_V,
                                                carrier_density_per_m3=carrier_density_per_m3,
                                                permittivity=permittivity, carrier_type=carrier_type,
                                                temperature_K=temperature_K)
    y_sat = 2.0 * saturation_bias_V / (constants.e * permittivity * constants.epsilon_0 * carrier_density_per_m3)
    y = y / (1.0 + (y / y_sat) ** saturation_sharpness) ** (1.0 / saturation_sharpness)
    helmholtz_per_m2 = 0.0 if helmholtz_uF_per_cm2 is None else 1.0 / (helmholtz_uF_per_cm2 * 1e-6 * 1e4)
    capacitance_per_m2 = 1.0 / (np.sqrt(y) + helmholtz_per_m2)
    parts = []
    for frequency in frequencies_Hz:
        dispersion = (frequency / reference_frequency_Hz) ** -dispersion_exponent
        capacitance = capacitance_per_m2 * area_cm2 * 1e-4 * dispersion
        capacitance = capacitance * (1.0 + relative_noise * rng.standard_normal(capacitance.size))
        parts.append(pd.DataFrame({"potential_V": potential_V, "frequency_Hz": float(frequency),
                                   "capacitance_F": capacitance}))
    return pd.concat(parts, ignore_index=True)


def simulate_iv(voltage_V: np.ndarray, *, conductance_S: float, noise_rms_A: float = IV_NOISE_RMS_A,
                offset_A: float = IV_OFFSET_A, fitted_slope_exact: bool = False,
                rng: np.random.Generator) -> pd.DataFrame:
    """Ohmic I–V: I = G·V + offset + Gaussian noise of ``noise_rms_A`` (the instrument floor); V in V, I in A.

    With ``fitted_slope_exact`` the model conductance is G = ``conductance_S`` − (least-squares slope of the noise
    realisation), so the least-squares slope of the returned sweep is ``conductance_S`` exactly.

    Example:
        >>> frame = simulate_iv(np.linspace(-0.2, 0.2, 41), conductance_S=1e-12, noise_rms_A=1e-14,
        ...                     fitted_slope_exact=True, rng=np.random.default_rng(1))
        >>> slope = np.polyfit(frame["voltage_V"], frame["current_A"], 1)[0]
        >>> bool(abs(slope / 1e-12 - 1.0) < 1e-9)
        True
    """
    voltage_V = np.asarray(voltage_V, dtype=float)
    floor = offset_A + noise_rms_A * rng.standard_normal(voltage_V.size)
    if fitted_slope_exact:
        centred = voltage_V - voltage_V.mean()
        conductance_S = conductance_S - float(centred @ (floor - floor.mean()) / (centred @ centred))
    return pd.DataFrame({"voltage_V": voltage_V, "current_A": conductance_S * voltage_V + floor})


def _sweep(registry: Registry) -> np.ndarray:
    low, high = registry.get("iv_sweep").value
    return np.round(np.arange(low, high + IV_STEP_V / 2, IV_STEP_V), 4)


def _mott_schottky(form: str, registry: Registry, rng: np.random.Generator) -> Dataset:
    reported = registry.value("flat_band", form)
    frequencies = tuple(float(f) for f in registry.get("ms_frequencies").value)
    kT = thermal_voltage_V()
    reported_vs_ref = from_nhe(reported, MS_REFERENCE)
    ref_vs_nhe = reference_potential_V_vs_NHE(MS_REFERENCE)

    def generate(model_flat_band_V: float) -> pd.DataFrame:
        return simulate_mott_schottky(MS_POTENTIALS_V, frequencies, flat_band_V=model_flat_band_V,
                                      carrier_density_per_m3=MS_DONOR_DENSITY_PER_M3, permittivity=MS_PERMITTIVITY,
                                      area_cm2=MS_AREA_CM2, helmholtz_uF_per_cm2=MS_HELMHOLTZ_UF_PER_CM2,
                                      rng=copy.deepcopy(rng))

    def analysed(parameter: np.ndarray) -> np.ndarray:
        data = Dataset(kind="mott_schottky", form=form, frame=generate(float(parameter[0])),
                       origin=Origin(Provenance.RECONSTRUCTED, "anchoring"),
                       metadata={"reference_electrode": MS_REFERENCE})
        return np.array([analyse_mott_schottky(data).flat_band_V_vs_NHE])

    model_flat_band = float(solve_anchor(analysed, np.array([reported_vs_ref - kT]), np.array([reported]),
                                         tolerance=MS_ANCHOR_TOLERANCE_V)[0])
    frame = generate(model_flat_band)
    model_vs_nhe = model_flat_band + ref_vs_nhe
    source = (f"reconstructed: n-type Mott–Schottky C(E) at {', '.join(f'{f:g}' for f in frequencies)} Hz whose "
              f"linear-region x-intercept is the reported flat band {reported:+.2f} V vs NHE "
              f"(= {reported_vs_ref:+.3f} V vs Ag/AgCl, sat. KCl)")
    assumptions = (
        "The article does not state its reference electrode; the potentials are given vs Ag/AgCl (saturated KCl, "
        f"{ref_vs_nhe:+.3f} V vs NHE): the reported {reported:+.2f} V vs NHE is {reported_vs_ref:+.3f} V vs "
        "Ag/AgCl.",
        "The reported flat band is read as the x-intercept of the straight 1/C² line without the kT/e term (the "
        "usual practice), averaged over the three frequencies. The model flat band was solved (noise realisation "
        "held fixed) so that our automatic Mott–Schottky analysis of these curves returns the reported value: "
        f"{model_vs_nhe:+.4f} V vs NHE, {reported - model_vs_nhe:.4f} V below it: +{kT:.4f} V (kT/e) from the "
        f"Boltzmann depletion model and {reported - model_vs_nhe - kT:+.4f} V from the Helmholtz layer bending the "
        "line.",
        "Space-charge capacitance of an n-type semiconductor with Boltzmann statistics (accumulation below the "
        f"flat band, Mott–Schottky line in depletion) in series with a Helmholtz-layer capacitance of "
        f"{MS_HELMHOLTZ_UF_PER_CM2:g} µF/cm² (assumed, usual 10–20 µF/cm²): in accumulation C levels off at C_H, so "
        "1/C² stays finite and positive; common to all three frequencies.",
        f"Model parameters (not in the article, arbitrary): relative permittivity {MS_PERMITTIVITY:g}, donor "
        f"density {MS_DONOR_DENSITY_PER_M3 * 1e-6:.0e} cm⁻³, electrode area {MS_AREA_CM2:g} cm², 298.15 K.",
        f"1/C² levels off at large bias (phenomenological, beyond about {MS_SATURATION_BIAS_V:g} V above the "
        "flat band), so the linear region has to be selected.",
        f"Frequency dispersion C ∝ (f/{MS_REFERENCE_FREQUENCY_HZ:g} Hz)^−{MS_DISPERSION_EXPONENT:g}: the 1/C² slope "
        "grows with frequency (" + ", ".join(
            f"×{(f / MS_REFERENCE_FREQUENCY_HZ) ** (2 * MS_DISPERSION_EXPONENT):.2f} at {f:g} Hz" for f in frequencies)
        + f") while the intercept stays; the donor density is the model value only at "
        f"{MS_REFERENCE_FREQUENCY_HZ:g} Hz.",
        f"Gaussian noise of {MS_RELATIVE_NOISE:.1%} of each capacitance; 10 mV steps from −1.20 to +0.40 V vs "
        "Ag/AgCl.",
    )
    return Dataset(kind="mott_schottky", form=form, frame=frame, origin=Origin(Provenance.RECONSTRUCTED, source),
                   metadata={"reference_electrode": MS_REFERENCE, "model_flat_band_V_vs_NHE": round(model_vs_nhe, 6),
                             "helmholtz_uF_per_cm2": MS_HELMHOLTZ_UF_PER_CM2}, assumptions=assumptions)


def _iv(form: str, registry: Registry, rng: np.random.Generator) -> Dataset:
    sigma = registry.value("conductivity", form)
    crystal = CRYSTALS[form]
    conductance = conductance_from_conductivity(sigma, crystal.length_mm, crystal.area_mm2)
    voltage = _sweep(registry)
    frame = simulate_iv(voltage, conductance_S=conductance, fitted_slope_exact=True, rng=rng)
    source = (f"reconstructed: ohmic single-crystal I–V over {voltage[0]:+.1f}…{voltage[-1]:+.1f} V with the "
              f"reported σ = {sigma:.2g} S/m and an assumed crystal {crystal.length_mm:g} mm long, "
              f"{crystal.area_mm2:g} mm² cross-section (G = {conductance:.3g} S)")
    assumptions = (
        f"The article gives no crystal dimensions; assumed {crystal.description}.",
        f"Ohmic contacts and a linear I–V: I = G·V with G = σ·A/L = {conductance:.3g} S, so |I| ≤ "
        f"{conductance * np.abs(voltage).max() * 1e15:.0f} fA at the sweep ends.",
        "The model conductance is G minus the least-squares slope of the noise realisation, so that the "
        "least-squares slope of this sweep is G and our analysis returns the reported σ to its printed digits.",
        f"Currents this small need a femtoampere electrometer; its floor is modelled as Gaussian noise of "
        f"{IV_NOISE_RMS_A * 1e15:g} fA rms plus a {IV_OFFSET_A * 1e15:g} fA input offset.",
        f"One sweep, {IV_STEP_V * 1e3:g} mV steps, no hysteresis.",
    )
    return Dataset(kind="iv", form=form, frame=frame, origin=Origin(Provenance.RECONSTRUCTED, source),
                   metadata={"length_mm": crystal.length_mm, "area_mm2": crystal.area_mm2}, assumptions=assumptions)


def _iv_blank(form: str, registry: Registry, rng: np.random.Generator) -> Dataset:
    voltage = _sweep(registry)
    frame = simulate_iv(voltage, conductance_S=0.0, rng=rng)
    source = (f"reconstructed: blank I–V without crystal (Fig. S23, 'instrument noise levels'): "
              f"{IV_NOISE_RMS_A * 1e15:g} fA rms noise and a {IV_OFFSET_A * 1e15:g} fA offset, no conductance")
    assumptions = (
        "No crystal between the contacts: zero conductance; only the instrument floor of the I–V model.",
        "The same floor model for both forms (one blank in the article); the two files are independent noise "
        "realisations of it.",
    )
    return Dataset(kind="iv_blank", form=form, frame=frame, origin=Origin(Provenance.RECONSTRUCTED, source),
                   metadata={}, assumptions=assumptions)


RECONSTRUCTORS = {"mott_schottky": _mott_schottky, "iv": _iv, "iv_blank": _iv_blank}
