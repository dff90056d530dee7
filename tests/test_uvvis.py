"""UV-vis band positions: hand-worked Gaussian values, round trips through the forward model (maxima and Gaussian
deconvolution), calibration of the reported standard errors, and the reconstructed default."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ti10cu2_lib.analysis.uvvis import analyse_uvvis, gaussian_bands
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.data.kinds import Dataset
from ti10cu2_lib.data.readers import HC_EV_NM
from ti10cu2_lib.data.registry import default_registry
from ti10cu2_lib.forward.optical import RECONSTRUCTORS, simulate_uvvis_solution
from ti10cu2_lib.forward.reconstruct import DEFAULT_SEED, rng_for

WAVELENGTH_NM = np.arange(250.0, 601.0)
NOISE_LEVELS = (0.001, 0.003, 0.01)
SEEDS = range(5)
BAND_SETS = [  # (centres nm, FWHM eV, heights)
    ((310.0, 365.0), (0.45, 0.45), (1.0, 0.6)),
    ((300.0, 420.0), (0.5, 0.4), (0.8, 0.5)),
    ((285.0, 340.0), (0.4, 0.5), (0.5, 0.9)),
]


def spectrum(centers, fwhm, heights, *, noise, seed, baseline=(0.02, 0.01)) -> Dataset:
    frame = simulate_uvvis_solution(WAVELENGTH_NM, centers, fwhm, heights, baseline=baseline, noise=noise,
                                    rng=np.random.default_rng(seed))
    return Dataset(kind="uvvis_solution", form=None, frame=frame, origin=Origin(Provenance.RECONSTRUCTED, "test"))


def test_gaussian_band_hand_values():
    # height at the centre, half height at centre ± FWHM/2, 1/16 at centre ± FWHM
    values = gaussian_bands(np.array([3.0, 3.25, 2.75, 3.5]), [3.0], [0.5], [2.0])
    assert values == pytest.approx([2.0, 1.0, 1.0, 2.0 / 16])


def test_single_band_maximum_is_its_centre():
    for seed in SEEDS:
        result = analyse_uvvis(spectrum((350.0,), (0.5,), (1.0,), noise=0.003, seed=seed, baseline=(0.05, 0.0)))
        assert result.peaks_nm == pytest.approx((350.0,), abs=0.5)
        assert np.asarray(result.peaks_eV) * np.asarray(result.peaks_nm) == pytest.approx(HC_EV_NM)


@pytest.mark.parametrize("noise", NOISE_LEVELS)
@pytest.mark.parametrize(("centers", "fwhm", "heights"), BAND_SETS)
def test_deconvolution_round_trip(centers, fwhm, heights, noise):
    for seed in SEEDS:
        result = analyse_uvvis(spectrum(centers, fwhm, heights, noise=noise, seed=seed), deconvolve_bands=True)
        assert result.peaks_nm == pytest.approx(centers, abs=0.5)
        assert result.fwhm_eV == pytest.approx(fwhm, abs=0.02)
        assert result.heights == pytest.approx(heights, abs=0.03)
        errors = np.abs(np.asarray(result.peaks_nm) - centers)
        assert np.all(errors < 5 * np.asarray(result.peaks_uncertainty_nm) + 0.02)


def test_maxima_of_overlapping_bands_shift_towards_each_other():
    for seed in SEEDS:
        result = analyse_uvvis(spectrum((310.0, 365.0), (0.45, 0.45), (1.0, 0.6), noise=0.003, seed=seed))
        short, long = result.peaks_nm
        assert short == pytest.approx(310.0, abs=1.0)
        assert 362.0 < long < 365.0  # the weaker band's maximum is pulled towards the stronger one
        assert result.fwhm_eV is None and result.r_squared is None


def test_standard_errors_match_scatter_over_noise_realisations():
    centers, errors = [], []
    for seed in range(30):
        result = analyse_uvvis(spectrum((310.0, 365.0), (0.45, 0.45), (1.0, 0.6), noise=0.005, seed=seed),
                               deconvolve_bands=True)
        centers.append(result.peaks_eV)
        errors.append(result.peaks_uncertainty_eV)
    ratio = np.std(centers, axis=0) / np.mean(errors, axis=0)
    assert np.all((ratio > 0.5) & (ratio < 2.0)), ratio


def test_flat_spectrum_has_no_maxima_and_cannot_be_deconvolved():
    frame = pd.DataFrame({"wavelength_nm": WAVELENGTH_NM, "absorbance": 0.1 + 0.0 * WAVELENGTH_NM})
    dataset = Dataset(kind="uvvis_solution", form=None, frame=frame, origin=Origin(Provenance.USER, "flat"))
    result = analyse_uvvis(dataset)
    assert result.peaks_nm == () and result.warnings
    with pytest.raises(InputError, match="no band maximum"):
        analyse_uvvis(dataset, deconvolve_bands=True)
    for seed in SEEDS:  # noise alone makes no bands
        noisy = frame.assign(absorbance=0.1 + 0.01 * np.random.default_rng(seed).standard_normal(len(frame)))
        noisy_dataset = Dataset(kind="uvvis_solution", form=None, frame=noisy, origin=dataset.origin)
        assert analyse_uvvis(noisy_dataset).peaks_nm == ()


@pytest.mark.parametrize("form", ["sp", "cs"])
def test_reconstructed_uvvis_gives_back_the_reported_bands(form):
    registry = default_registry()
    dataset = RECONSTRUCTORS["uvvis_solution"](form, registry, rng_for(DEFAULT_SEED, "uvvis_solution", form))
    reported = (registry.value("uvvis_band_1", form), registry.value("uvvis_band_2", form))
    assert dataset.origin.provenance is Provenance.RECONSTRUCTED
    assert any("FWHM" in a for a in dataset.assumptions)
    # the maxima land on the printed values (half a unit of the printed digit); the Gaussian centres that put them
    # there are recorded with the data, and deconvolution gives them back
    assert analyse_uvvis(dataset).peaks_nm == pytest.approx(reported, abs=0.5)
    assert analyse_uvvis(dataset, deconvolve_bands=True).peaks_nm == pytest.approx(
        dataset.metadata["band_centers_nm"], abs=0.5)
