"""IR spectra: band picking, carboxylate νas/νs and Δν with the coordination-mode reading, Ti–O bands.

Conventions (wavenumbers in cm⁻¹):

- Bands are transmittance minima or absorbance maxima found by prominence (``scipy.signal.find_peaks``);
  the default minimum prominence is the larger of 2 % of the signal's range and 8 × its white-noise σ
  (estimated from the first differences), so noise wiggles are not taken for bands.
- Carboxylate stretches: νas(COO⁻) is the most prominent band in 1510–1650 cm⁻¹, νs(COO⁻) the most
  prominent in 1360–1450 cm⁻¹; every candidate in each window is listed too, because aromatic ring modes
  of salicylate (≈ 1600, 1570, 1470 cm⁻¹) fall in or near the same windows — the pick is a heuristic.
- Coordination mode from Δν = νas − νs after Deacon & Phillips, Coord. Chem. Rev. 1980, 33, 227:
  Δν > 200 cm⁻¹ unidentate, Δν < 110 cm⁻¹ chelating, in between bridging. With an ionic reference Δν
  (the free carboxylate, e.g. its sodium salt, measured by the user) the comparative reading is used as
  well: Δν well above ionic → unidentate, well below → chelating, close to ionic → bridging; "well" means by
  more than ``ionic_margin_cm1`` (our choice, default 25 cm⁻¹; Deacon & Phillips give no number).
  Salicylate also binds through its phenolate O, which these carboxylate-only rules do not consider.
- Ti–O region: bands between 400 and 800 cm⁻¹ (Ti–O–Ti and Ti–O stretches of titanium-oxo clusters).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import find_peaks

from ti10cu2_lib.analysis.photocurrent import robust_noise_sigma
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, computed_from
from ti10cu2_lib.core.results import Result
from ti10cu2_lib.data.kinds import Dataset

NU_AS_COO_WINDOW_CM1 = (1510.0, 1650.0)
NU_S_COO_WINDOW_CM1 = (1360.0, 1450.0)
TI_O_WINDOW_CM1 = (400.0, 800.0)
UNIDENTATE_ABOVE_CM1 = 200.0  # Deacon & Phillips 1980
CHELATING_BELOW_CM1 = 110.0
DEFAULT_IONIC_MARGIN_CM1 = 25.0
DEFAULT_PROMINENCE_FRACTION = 0.02
NOISE_MULTIPLE = 8.0


@dataclass(frozen=True)
class IRBand:
    """A band: position (cm⁻¹), signal at the band (%T or absorbance) and its prominence (same unit)."""

    wavenumber_cm1: float
    signal: float
    prominence: float


def pick_bands(wavenumber_cm1: np.ndarray, signal: np.ndarray, *, transmittance: bool,
               min_prominence: float | None = None) -> tuple[IRBand, ...]:
    """Bands (minima of transmittance, maxima of absorbance) with prominence ≥ ``min_prominence``.

    ``min_prominence`` is in the signal's unit; default max(2 % of the range, 8 σ_noise). Sorted by wavenumber.
    """
    k = np.asarray(wavenumber_cm1, dtype=float)
    y = np.asarray(signal, dtype=float)
    order = np.argsort(k)
    k, y = k[order], y[order]
    depth = -y if transmittance else y
    threshold = min_prominence
    if threshold is None:
        threshold = max(DEFAULT_PROMINENCE_FRACTION * float(np.ptp(y)), NOISE_MULTIPLE * robust_noise_sigma(y))
    if threshold <= 0:
        return ()
    peaks, props = find_peaks(depth, prominence=threshold)
    return tuple(IRBand(float(k[p]), float(y[p]), float(prom)) for p, prom in zip(peaks, props["prominences"],
                                                                                   strict=True))


def _in_window(bands: tuple[IRBand, ...], window: tuple[float, float]) -> tuple[IRBand, ...]:
    return tuple(b for b in bands if window[0] <= b.wavenumber_cm1 <= window[1])


def coordination_mode(delta_nu_cm1: float) -> str:
    """Deacon–Phillips reading of Δν alone: 'unidentate' (> 200), 'chelating' (< 110), else 'bridging'."""
    if delta_nu_cm1 > UNIDENTATE_ABOVE_CM1:
        return "unidentate"
    if delta_nu_cm1 < CHELATING_BELOW_CM1:
        return "chelating"
    return "bridging"


def coordination_mode_vs_ionic(delta_nu_cm1: float, ionic_delta_nu_cm1: float,
                               margin_cm1: float = DEFAULT_IONIC_MARGIN_CM1) -> str:
    """Deacon–Phillips comparative reading: Δν ≫ ionic unidentate, ≪ ionic chelating, ≈ ionic bridging."""
    if delta_nu_cm1 > ionic_delta_nu_cm1 + margin_cm1:
        return "unidentate"
    if delta_nu_cm1 < ionic_delta_nu_cm1 - margin_cm1:
        return "chelating"
    return "bridging"


@dataclass(frozen=True)
class IRResult(Result):
    """Bands of an IR spectrum with the carboxylate and Ti–O readings."""

    form: str | None
    signal_kind: str
    bands: tuple[IRBand, ...]
    nu_as_coo_cm1: float | None
    nu_s_coo_cm1: float | None
    delta_nu_cm1: float | None
    coordination_mode: str | None
    ionic_delta_nu_cm1: float | None
    coordination_mode_vs_ionic: str | None
    nu_as_candidates: tuple[IRBand, ...]
    nu_s_candidates: tuple[IRBand, ...]
    ti_o_bands: tuple[IRBand, ...]
    windows_cm1: dict[str, tuple[float, float]]
    notes: tuple[str, ...]
    origin: Origin


def analyse_ir(dataset: Dataset, *, ionic_delta_nu_cm1: float | None = None,
               ionic_margin_cm1: float = DEFAULT_IONIC_MARGIN_CM1,
               min_prominence: float | None = None) -> IRResult:
    """Bands, νas/νs(COO⁻), Δν, coordination mode(s) and Ti–O bands of an IR dataset."""
    frame = dataset.frame
    transmittance = "transmittance_percent" in frame
    column = "transmittance_percent" if transmittance else "absorbance"
    if column not in frame:
        raise InputError("no transmittance_percent or absorbance column",
                         fix="name the columns wavenumber_cm1,transmittance_percent (or absorbance)")
    k = frame["wavenumber_cm1"].to_numpy(dtype=float)
    bands = pick_bands(k, frame[column].to_numpy(dtype=float), transmittance=transmittance,
                       min_prominence=min_prominence)
    nu_as_candidates = _in_window(bands, NU_AS_COO_WINDOW_CM1)
    nu_s_candidates = _in_window(bands, NU_S_COO_WINDOW_CM1)
    nu_as = max(nu_as_candidates, key=lambda b: b.prominence).wavenumber_cm1 if nu_as_candidates else None
    nu_s = max(nu_s_candidates, key=lambda b: b.prominence).wavenumber_cm1 if nu_s_candidates else None
    delta = nu_as - nu_s if nu_as is not None and nu_s is not None else None
    notes = ["νas/νs = most prominent band in each window; aromatic ring modes of salicylate can fall there too"]
    if delta is None:
        notes.append("no band in the νas and/or νs window: Δν not available")
    if k.min() > TI_O_WINDOW_CM1[0] or k.max() < TI_O_WINDOW_CM1[1]:
        notes.append(f"the spectrum ({k.min():g}–{k.max():g} cm⁻¹) does not cover the whole Ti–O region")
    mode_vs_ionic = None
    if delta is not None and ionic_delta_nu_cm1 is not None:
        mode_vs_ionic = coordination_mode_vs_ionic(delta, ionic_delta_nu_cm1, ionic_margin_cm1)
    return IRResult(
        form=dataset.form, signal_kind=column, bands=bands, nu_as_coo_cm1=nu_as, nu_s_coo_cm1=nu_s,
        delta_nu_cm1=delta, coordination_mode=coordination_mode(delta) if delta is not None else None,
        ionic_delta_nu_cm1=ionic_delta_nu_cm1, coordination_mode_vs_ionic=mode_vs_ionic,
        nu_as_candidates=nu_as_candidates, nu_s_candidates=nu_s_candidates,
        ti_o_bands=_in_window(bands, TI_O_WINDOW_CM1),
        windows_cm1={"nu_as_coo": NU_AS_COO_WINDOW_CM1, "nu_s_coo": NU_S_COO_WINDOW_CM1, "ti_o": TI_O_WINDOW_CM1},
        notes=tuple(notes),
        origin=computed_from(dataset.origin, method="IR band picking by prominence; Δν(COO⁻) read after Deacon & "
                                                    "Phillips, Coord. Chem. Rev. 1980, 33, 227"))
