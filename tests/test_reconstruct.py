"""The embedded reconstructed defaults are exactly what `ti10cu2 data reconstruct` regenerates."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from ti10cu2_lib.analysis.electrodes import from_nhe
from ti10cu2_lib.core.paths import DATA_DIR
from ti10cu2_lib.data.datasets import MANIFEST_PATH
from ti10cu2_lib.data.kinds import KINDS
from ti10cu2_lib.forward import electrical, optical
from ti10cu2_lib.forward.reconstruct import DEFAULT_SEED, reconstruct_all, rng_for


def test_committed_defaults_are_regenerated_byte_for_byte(tmp_path):
    entries = reconstruct_all(seed=DEFAULT_SEED, out_dir=tmp_path / "default", manifest_path=tmp_path / "manifest.json")
    committed = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))["datasets"]
    assert [(e["form"], e["kind"]) for e in entries] == [(e["form"], e["kind"]) for e in committed]
    for fresh, kept in zip(entries, committed, strict=True):
        assert fresh == kept
        assert (tmp_path / fresh["file"]).read_bytes() == (DATA_DIR / kept["file"]).read_bytes(), kept["file"]


def test_every_kind_with_a_default_has_one_per_form_with_provenance_and_assumptions():
    committed = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))["datasets"]
    for kind, info in KINDS.items():
        found = [e for e in committed if e["kind"] == kind]
        assert len(found) == (2 if info.has_default else 0), kind
        for entry in found:
            assert entry["provenance"] in ("reconstructed", "illustrative")
            assert entry["source"] and entry["assumptions"]


def test_a_different_seed_changes_the_noise_but_not_the_reported_anchor(tmp_path):
    entries = reconstruct_all(seed=1, out_dir=tmp_path / "default", manifest_path=tmp_path / "manifest.json")
    differs = [e for e in entries if (tmp_path / e["file"]).read_bytes() != (DATA_DIR / e["file"]).read_bytes()]
    assert differs, "the seed has no effect"


def test_the_recorded_model_parameters_regenerate_the_committed_files():
    """The anchored parameters in the manifest (solved so that our analysis returns the printed numbers) plus the
    seed are all it takes to regenerate each file with the plain simulation functions, no solver."""
    committed = {(e["form"], e["kind"]): e for e in json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))["datasets"]}
    for form in ("sp", "cs"):
        uvvis = committed[(form, "uvvis_solution")]
        frame = pd.read_csv(DATA_DIR / uvvis["file"])
        again = optical.simulate_uvvis_solution(
            frame["wavelength_nm"], uvvis["metadata"]["band_centers_nm"], optical.UVVIS_FWHM_EV,
            optical.UVVIS_HEIGHTS, baseline=optical.UVVIS_BASELINE, noise=optical.UVVIS_NOISE,
            rng=rng_for(DEFAULT_SEED, "uvvis_solution", form))
        np.testing.assert_allclose(again["absorbance"], frame["absorbance"], atol=1e-4)

        drs = committed[(form, "drs")]
        frame = pd.read_csv(DATA_DIR / drs["file"])
        again = optical.simulate_drs(frame["wavelength_nm"], drs["metadata"]["model_band_gap_eV"],
                                     bands=[tuple(b) for b in drs["metadata"]["bands_nm_eV_F"]],
                                     rng=rng_for(DEFAULT_SEED, "drs", form))
        np.testing.assert_allclose(again["reflectance"], frame["reflectance"], atol=1e-4)

        ms = committed[(form, "mott_schottky")]
        frame = pd.read_csv(DATA_DIR / ms["file"])
        potentials = np.sort(frame["potential_V"].unique())
        again = electrical.simulate_mott_schottky(
            potentials, tuple(sorted(frame["frequency_Hz"].unique())),
            flat_band_V=from_nhe(ms["metadata"]["model_flat_band_V_vs_NHE"], ms["metadata"]["reference_electrode"]),
            carrier_density_per_m3=electrical.MS_DONOR_DENSITY_PER_M3, permittivity=electrical.MS_PERMITTIVITY,
            area_cm2=electrical.MS_AREA_CM2, helmholtz_uF_per_cm2=ms["metadata"]["helmholtz_uF_per_cm2"],
            rng=rng_for(DEFAULT_SEED, "mott_schottky", form))
        np.testing.assert_allclose(again["capacitance_F"], frame["capacitance_F"], rtol=1e-4)
