"""CO2 photoreduction: rate round trips, standard errors, electron balance, and the reconstructed defaults."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from ti10cu2_lib.analysis.photocatalysis import (
    analyse_co2_timecourse,
    electron_selectivity_percent,
    fit_production_rate,
    total_electrons_umol_per_g,
)
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.data import datasets
from ti10cu2_lib.data.kinds import Dataset
from ti10cu2_lib.data.registry import default_registry
from ti10cu2_lib.forward.photochemistry import RECONSTRUCTORS, simulate_co2_timecourse

SYNTHETIC = Origin(Provenance.USER, "synthetic time course made in the test")


def as_dataset(frame: pd.DataFrame, form: str | None = None) -> Dataset:
    return Dataset(kind="co2_timecourse", form=form, frame=frame, origin=SYNTHETIC)


@pytest.mark.parametrize("noise", [0.0, 0.01, 0.03, 0.05])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_known_rates_are_recovered(noise, seed):
    rates = {"CH4": 7.3, "CO": 21.1, "H2": 3.2}
    frame = simulate_co2_timecourse(np.arange(0.0, 4.01, 0.5), rates, relative_noise=noise,
                                    rng=np.random.default_rng(seed))
    result = analyse_co2_timecourse(as_dataset(frame))
    for product, rate in rates.items():
        assert result.products[product].rate_umol_per_g_h == pytest.approx(rate, rel=0.03)
        assert result.products[product].final_yield_umol_per_g == pytest.approx(rate * 4.0)


def test_rate_through_origin_by_hand():
    fit = fit_production_rate(np.array([0.0, 1, 2, 3]), np.array([0.0, 2, 4.5, 5.5]))
    slope = (1 * 2 + 2 * 4.5 + 3 * 5.5) / (1 + 4 + 9)  # Σty / Σt² = 27.5 / 14
    rss = (2 - slope) ** 2 + (4.5 - 2 * slope) ** 2 + (5.5 - 3 * slope) ** 2
    assert fit.rate_umol_per_g_h == pytest.approx(slope)
    assert fit.rate_uncertainty_umol_per_g_h == pytest.approx(math.sqrt(rss / (3 - 1) / 14))  # t = 0 not counted
    assert fit.n_points == 3 and fit.intercept_umol_per_g == 0.0


def test_fit_with_intercept_recovers_an_offset():
    t = np.linspace(0, 4, 9)
    fit = fit_production_rate(t, 5.0 + 2.5 * t, through_origin=False)
    assert fit.rate_umol_per_g_h == pytest.approx(2.5)
    assert fit.intercept_umol_per_g == pytest.approx(5.0)
    assert fit.rate_uncertainty_umol_per_g_h == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize("through_origin", [True, False])
def test_standard_error_matches_the_scatter_of_the_slope(through_origin):
    """Over many noisy repeats the SE equals the true spread of the slope σ/sqrt(Σ(t − t̄)²) (or σ/sqrt(Σt²))."""
    rng = np.random.default_rng(42)
    t = np.arange(0.0, 4.01, 0.5)
    sigma, offset = 0.8, (0.0 if through_origin else 5.0)
    slopes, variances = [], []
    for _ in range(2000):
        y = offset + 10.0 * t + rng.normal(0.0, sigma, t.size)
        if through_origin:
            y[0] = 0.0  # nothing formed before light-on
        fit = fit_production_rate(t, y, through_origin=through_origin)
        slopes.append(fit.rate_umol_per_g_h)
        variances.append(fit.rate_uncertainty_umol_per_g_h**2)
    spread = np.sum(t**2) if through_origin else np.sum((t - t.mean()) ** 2)
    expected = sigma / math.sqrt(spread)
    assert np.mean(slopes) == pytest.approx(10.0, abs=3 * expected / math.sqrt(2000))
    assert np.std(slopes) == pytest.approx(expected, rel=0.05)
    assert math.sqrt(np.mean(variances)) == pytest.approx(expected, rel=0.04)  # t = 0 in the dof: 6.5 % low


def test_electron_numbers_of_claim_4():
    assert total_electrons_umol_per_g({"CH4": 44.5, "CO": 97.4}) == pytest.approx(8 * 44.5 + 2 * 97.4)
    assert total_electrons_umol_per_g({"CH4": 44.5, "CO": 97.4}) == pytest.approx(550.8)
    assert total_electrons_umol_per_g({"CH4": 46.5, "CO": 0.0}) == pytest.approx(372.0)
    selectivity = electron_selectivity_percent({"CH4": 44.5, "CO": 97.4})
    assert selectivity["CH4"] == pytest.approx(100 * 356 / 550.8)
    assert selectivity["CO"] == pytest.approx(100 * 194.8 / 550.8)


def test_all_electron_counts():
    yields = {"CO": 1.0, "HCOOH": 1.0, "HCHO": 1.0, "CH3OH": 1.0, "CH4": 1.0, "H2": 1.0}
    assert total_electrons_umol_per_g(yields) == 2 + 2 + 4 + 6 + 8 + 2


@pytest.mark.parametrize(("form", "electrons", "ch4", "co"), [("cs", 550.8, 44.5, 97.4), ("sp", 372.0, 46.5, 0.0)])
def test_embedded_defaults_give_the_claim_4_electron_numbers(form, electrons, ch4, co):
    dataset = datasets.load(form, "co2_timecourse")
    assert dataset.provenance == Provenance.RECONSTRUCTED
    result = analyse_co2_timecourse(dataset)
    assert result.total_electrons_umol_per_g == pytest.approx(electrons)
    assert result.products["CH4"].final_yield_umol_per_g == ch4
    assert result.products["CO"].final_yield_umol_per_g == co
    assert result.final_time_h == 4.0
    assert result.origin.root_provenances() == (Provenance.RECONSTRUCTED,)


@pytest.mark.parametrize("form", ["sp", "cs"])
def test_reconstruction_ends_on_the_reported_yields(form):
    registry = default_registry()
    dataset = RECONSTRUCTORS["co2_timecourse"](form, registry, np.random.default_rng(7))
    frame = dataset.frame
    assert list(frame["time_h"]) == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert frame["CH4_umol_per_g"].iloc[-1] == registry.value("ch4_yield_4h", form)
    assert frame["CO_umol_per_g"].iloc[-1] == registry.value("co_yield_4h", form)
    assert (frame.iloc[0, 1:] == 0).all() and (frame.to_numpy() >= 0).all()
    assert dataset.origin.provenance == Provenance.RECONSTRUCTED
    assert any("linear" in a for a in dataset.assumptions)
    if form == "sp":
        assert (frame["CO_umol_per_g"] == 0).all()
        assert any("no CO was detected" in a for a in dataset.assumptions)


def test_unknown_product_stays_out_of_the_electron_balance():
    frame = pd.DataFrame({"time_h": [0.0, 1, 2], "CH4_umol_per_g": [0.0, 1, 2], "O2_umol_per_g": [0.0, 3, 6]})
    result = analyse_co2_timecourse(as_dataset(frame))
    assert result.not_in_electron_balance == ("O2",)
    assert result.products["O2"].electrons_per_molecule is None
    assert result.products["O2"].rate_umol_per_g_h == pytest.approx(3.0)
    assert result.total_electrons_umol_per_g == pytest.approx(16.0)
    assert result.products["CH4"].electron_selectivity_percent == pytest.approx(100.0)


def test_no_products_means_undefined_selectivity():
    frame = pd.DataFrame({"time_h": [0.0, 1, 2], "CO_umol_per_g": [0.0, 0, 0]})
    result = analyse_co2_timecourse(as_dataset(frame))
    assert math.isnan(result.products["CO"].electron_selectivity_percent)
    assert result.to_dict()["products"]["CO"]["electron_selectivity_percent"] is None


def test_bad_inputs_raise_input_error():
    with pytest.raises(InputError, match="negative yield"):
        fit_production_rate(np.array([0.0, 1, 2]), np.array([0.0, -1, 2]))
    with pytest.raises(InputError, match="no time point after"):
        fit_production_rate(np.array([0.0]), np.array([0.0]))
    with pytest.raises(InputError, match="time_h"):
        analyse_co2_timecourse(as_dataset(pd.DataFrame({"t": [0.0, 1], "CO_umol_per_g": [0.0, 1]})))
    with pytest.raises(InputError, match="product"):
        analyse_co2_timecourse(as_dataset(pd.DataFrame({"time_h": [0.0, 1], "x": [0.0, 1]})))
