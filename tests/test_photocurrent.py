"""Photocurrent: edges, amplitudes and time constants recovered from traces with known parameters."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ti10cu2_lib.analysis.photocurrent import analyse_photocurrent, detect_light_edges, schedule_edges
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.data import datasets
from ti10cu2_lib.data.kinds import Dataset
from ti10cu2_lib.forward.photochemistry import simulate_photocurrent

SYNTHETIC = Origin(Provenance.USER, "synthetic photocurrent made in the test")
ON = [10.0, 50.0, 90.0, 130.0]  # 15 s light, 25 s dark: deliberately unlike the illustrative default
OFF = [25.0, 65.0, 105.0, 145.0]
TIME = np.round(np.arange(0.0, 170.0, 0.05), 6)


def trace(amplitude, tau_rise, tau_decay, noise, seed, dark=2e-9) -> Dataset:
    frame = simulate_photocurrent(TIME, ON, OFF, dark_current_A=dark, photocurrent_A=amplitude,
                                  tau_rise_s=tau_rise, tau_decay_s=tau_decay, noise_A=noise,
                                  rng=np.random.default_rng(seed))
    return Dataset(kind="photocurrent", form="cs", frame=frame, origin=SYNTHETIC)


@pytest.mark.parametrize("relative_noise", [0.002, 0.01, 0.03])
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize(("tau_rise", "tau_decay"), [(0.5, 1.2), (2.0, 0.7)])
def test_round_trip_from_the_trace_alone(relative_noise, seed, tau_rise, tau_decay):
    amplitude = 3e-8
    result = analyse_photocurrent(trace(amplitude, tau_rise, tau_decay, relative_noise * amplitude, seed))
    assert [e.direction for e in result.edges] == ["on", "off"] * 4
    found = np.array([e.time_s for e in result.edges])
    np.testing.assert_allclose(found, np.ravel(list(zip(ON, OFF, strict=True))), atol=0.1)
    assert len(result.cycles) == 4
    for cycle in result.cycles:
        # the plateau ends 7.5 s (rise) / 12.5 s (decay) after an edge: > 3.7 τ, so the plateau is ~98 % reached
        assert cycle.amplitude_A == pytest.approx(amplitude, rel=0.03)
        assert cycle.rise_tau_s == pytest.approx(tau_rise, rel=0.12)
        assert cycle.decay_tau_s == pytest.approx(tau_decay, rel=0.12)
    assert result.mean_rise_tau_s == pytest.approx(tau_rise, rel=0.06)
    assert result.mean_decay_tau_s == pytest.approx(tau_decay, rel=0.06)
    assert result.caveat is None


def test_round_trip_with_the_schedule_given():
    result = analyse_photocurrent(trace(1e-7, 0.8, 1.5, 1e-9, 3), light_on_s=ON, light_off_s=OFF)
    assert [e.time_s for e in result.edges] == sorted(ON + OFF)  # held fixed
    assert "schedule" in result.edge_source
    assert result.mean_rise_tau_s == pytest.approx(0.8, rel=0.03)
    assert result.mean_decay_tau_s == pytest.approx(1.5, rel=0.03)
    assert result.mean_amplitude_A == pytest.approx(1e-7, rel=0.01)


def test_decaying_response_gives_retention_and_rsd():
    relative = np.array([1.0, 0.95, 0.9, 0.85])
    result = analyse_photocurrent(trace(5e-8 * relative, 0.3, 0.3, 1e-11, 0))
    amplitudes = np.array([c.amplitude_A for c in result.cycles])
    np.testing.assert_allclose(amplitudes, 5e-8 * relative, rtol=0.01)
    assert result.amplitude_retention_percent == pytest.approx(85.0, abs=0.5)
    by_hand = 100 * np.std(relative, ddof=1) / relative.mean()  # 6.98 %
    assert result.amplitude_rsd_percent == pytest.approx(by_hand, abs=0.3)


def test_cathodic_photocurrent_starting_in_the_dark():
    result = analyse_photocurrent(trace(-2e-8, 0.5, 0.5, 1e-10, 1))
    assert [e.direction for e in result.edges][:2] == ["on", "off"]
    assert result.mean_amplitude_A == pytest.approx(-2e-8, rel=0.02)
    assert result.mean_rise_tau_s == pytest.approx(0.5, rel=0.06)


def test_trace_starting_in_the_light():
    dataset = trace(3e-8, 0.5, 0.5, 1e-10, 2)
    lit = Dataset(kind="photocurrent", form="cs", frame=dataset.frame[dataset.frame["time_s"] >= 15.0]
                  .reset_index(drop=True), origin=SYNTHETIC)
    result = analyse_photocurrent(lit, starts_dark=False)
    assert [e.direction for e in result.edges][:3] == ["off", "on", "off"]
    assert [round(c.on_s) for c in result.cycles] == [50, 90, 130]
    assert result.mean_amplitude_A == pytest.approx(3e-8, rel=0.02)


def test_no_light_steps_means_no_cycle():
    noise = 1e-11 * np.random.default_rng(0).standard_normal(TIME.size)
    frame = pd.DataFrame({"time_s": TIME, "current_A": 1e-9 + noise})
    with pytest.raises(InputError, match="no complete light-on/light-off cycle"):
        analyse_photocurrent(Dataset(kind="photocurrent", form=None, frame=frame, origin=SYNTHETIC))


def test_a_single_light_off_step_is_not_a_cycle():
    dataset = trace(3e-8, 0.5, 0.5, 1e-10, 2)
    frame = dataset.frame[(dataset.frame["time_s"] >= 15.0) & (dataset.frame["time_s"] < 45.0)].reset_index(drop=True)
    with pytest.raises(InputError, match="no complete"):
        analyse_photocurrent(Dataset(kind="photocurrent", form=None, frame=frame, origin=SYNTHETIC), starts_dark=False)


def test_schedule_must_alternate():
    with pytest.raises(InputError, match="alternate"):
        schedule_edges([10.0, 20.0], [30.0])


def test_illustrative_default_is_labelled_and_never_reconstructed():
    dataset = datasets.load("cs", "photocurrent")
    assert dataset.provenance == Provenance.ILLUSTRATIVE
    assert dataset.origin.source.startswith("illustrative")
    assert any("invented" in a for a in dataset.assumptions)
    result = analyse_photocurrent(dataset)
    assert result.caveat and "ILLUSTRATIVE" in result.caveat
    assert result.origin.root_provenances() == (Provenance.ILLUSTRATIVE,)
    assert result.to_dict()["provenance"]["data_provenance"] == ["illustrative"]
    # the edges found from the trace alone are the schedule the illustration was drawn with
    expected = sorted(dataset.metadata["light_on_s"] + dataset.metadata["light_off_s"])
    np.testing.assert_allclose([e.time_s for e in result.edges], expected, atol=0.1)


def test_ideal_square_wave_edges_fall_between_the_two_samples_around_each_switch():
    t = np.arange(0.0, 60.0, 0.5)
    current = np.where((t >= 10.0) & (t < 30.0), 1e-6, 0.0) + np.where(t >= 40.0, 1e-6, 0.0)
    edges = detect_light_edges(t, current, window_points=5)
    assert [(e.time_s, e.direction) for e in edges] == [(9.75, "on"), (29.75, "off"), (39.75, "on")]
    assert detect_light_edges(t, np.full(t.size, 1e-9)) == ()
