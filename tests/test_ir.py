"""IR: bands, νas/νs(COO⁻), Δν and the Deacon–Phillips reading on synthetic spectra made here (not measured)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ti10cu2_lib.analysis.ir import analyse_ir, coordination_mode, coordination_mode_vs_ionic, pick_bands
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.data.kinds import Dataset

SYNTHETIC = Origin(Provenance.USER, "synthetic IR spectrum made in the test")
GRID = np.arange(400.0, 4000.01, 1.0)
TI_O = {470.0: 25.0, 560.0: 30.0, 650.0: 35.0}
OTHERS = {1480.0: 12.0, 2930.0: 8.0, 3400.0: 10.0}  # ring mode outside both windows, C–H, O–H


def absorbance(bands: dict[float, float], width: float = 8.0) -> np.ndarray:
    """Sum of Lorentzian bands (depth in %T-equivalent units)."""
    return sum(depth * width**2 / ((GRID - centre) ** 2 + width**2) for centre, depth in bands.items())


def spectrum(nu_as: float, nu_s: float, *, noise: float = 0.0, seed: int = 0, as_absorbance: bool = False,
             extra: dict[float, float] | None = None) -> Dataset:
    bands = {nu_as: 45.0, nu_s: 35.0, **TI_O, **OTHERS, **(extra or {})}
    depth = absorbance(bands) + noise * np.random.default_rng(seed).standard_normal(GRID.size)
    frame = (pd.DataFrame({"wavenumber_cm1": GRID, "absorbance": depth / 100.0}) if as_absorbance
             else pd.DataFrame({"wavenumber_cm1": GRID, "transmittance_percent": 95.0 - depth}))
    return Dataset(kind="ir", form=None, frame=frame, origin=SYNTHETIC)


@pytest.mark.parametrize(("nu_as", "nu_s", "mode"), [
    (1640.0, 1380.0, "unidentate"),  # Δν 260
    (1560.0, 1420.0, "bridging"),  # Δν 140
    (1525.0, 1440.0, "chelating"),  # Δν 85
])
@pytest.mark.parametrize("as_absorbance", [False, True])
@pytest.mark.parametrize("noise", [0.0, 0.3])
def test_delta_nu_and_mode_recovered(nu_as, nu_s, mode, as_absorbance, noise):
    result = analyse_ir(spectrum(nu_as, nu_s, noise=noise, as_absorbance=as_absorbance))
    assert result.nu_as_coo_cm1 == pytest.approx(nu_as, abs=1.0)
    assert result.nu_s_coo_cm1 == pytest.approx(nu_s, abs=1.0)
    assert result.delta_nu_cm1 == pytest.approx(nu_as - nu_s, abs=2.0)
    assert result.coordination_mode == mode
    assert [b.wavenumber_cm1 for b in result.ti_o_bands] == pytest.approx(sorted(TI_O), abs=1.0)


def test_weaker_aromatic_band_in_the_window_is_listed_but_not_picked():
    result = analyse_ir(spectrum(1560.0, 1420.0, extra={1600.0: 15.0}))
    assert result.nu_as_coo_cm1 == pytest.approx(1560.0, abs=1.0)
    assert [b.wavenumber_cm1 for b in result.nu_as_candidates] == pytest.approx([1560.0, 1600.0], abs=1.0)


def test_all_bands_found_and_none_invented():
    result = analyse_ir(spectrum(1560.0, 1420.0, noise=0.3, seed=5))
    expected = sorted([1560.0, 1420.0, *TI_O, *OTHERS])
    assert [b.wavenumber_cm1 for b in result.bands] == pytest.approx(expected, abs=1.0)


def test_deacon_phillips_thresholds():
    assert coordination_mode(200.5) == "unidentate"
    assert coordination_mode(200.0) == "bridging"
    assert coordination_mode(110.0) == "bridging"
    assert coordination_mode(109.5) == "chelating"


@pytest.mark.parametrize(("ionic", "mode"), [(100.0, "unidentate"), (150.0, "bridging"), (220.0, "chelating")])
def test_reading_against_an_ionic_reference(ionic, mode):
    assert coordination_mode_vs_ionic(140.0, ionic) == mode
    result = analyse_ir(spectrum(1560.0, 1420.0), ionic_delta_nu_cm1=ionic)
    assert result.coordination_mode_vs_ionic == mode
    assert result.ionic_delta_nu_cm1 == ionic


def test_margin_of_the_ionic_reading():
    assert coordination_mode_vs_ionic(140.0, 110.0, margin_cm1=25.0) == "unidentate"
    assert coordination_mode_vs_ionic(140.0, 110.0, margin_cm1=40.0) == "bridging"


def test_no_carboxylate_bands_means_no_delta_nu():
    frame = pd.DataFrame({"wavenumber_cm1": GRID, "transmittance_percent": 95.0 - absorbance(TI_O)})
    result = analyse_ir(Dataset(kind="ir", form=None, frame=frame, origin=SYNTHETIC))
    assert result.delta_nu_cm1 is None and result.coordination_mode is None
    assert any("Δν not available" in note for note in result.notes)
    assert len(result.ti_o_bands) == 3


def test_prominence_threshold_drops_small_bands():
    k = GRID
    y = 90.0 - absorbance({1000.0: 30.0, 2000.0: 0.5})
    assert len(pick_bands(k, y, transmittance=True)) == 1
    assert len(pick_bands(k, y, transmittance=True, min_prominence=0.2)) == 2


def test_spectrum_not_covering_ti_o_region_is_noted():
    frame = pd.DataFrame({"wavenumber_cm1": GRID[GRID > 1000], "transmittance_percent":
                          95.0 - absorbance({1560.0: 45.0, 1420.0: 35.0})[GRID > 1000]})
    result = analyse_ir(Dataset(kind="ir", form=None, frame=frame, origin=SYNTHETIC))
    assert any("Ti–O region" in note for note in result.notes)


def test_missing_signal_column_raises():
    frame = pd.DataFrame({"wavenumber_cm1": GRID, "intensity": GRID})
    with pytest.raises(InputError):
        analyse_ir(Dataset(kind="ir", form=None, frame=frame, origin=SYNTHETIC))


def test_result_provenance_is_computed_from_the_input():
    result = analyse_ir(spectrum(1560.0, 1420.0))
    assert result.origin.provenance == Provenance.COMPUTED
    assert result.to_dict()["provenance"]["data_provenance"] == ["user"]
