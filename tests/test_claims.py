"""The claims check: complete, honest about circularity, and sensitive to user data."""

from __future__ import annotations

import numpy as np
import pytest

from ti10cu2_lib.analysis.conductivity import conductance_from_conductivity
from ti10cu2_lib.data import datasets
from ti10cu2_lib.data.registry import default_registry
from ti10cu2_lib.forward.electrical import simulate_iv
from ti10cu2_lib.report.claims import Status, check_claims

from .conftest import run_cli


@pytest.fixture(scope="module")
def default_checks():
    return check_claims()


def _find(checks, id, form):
    return next(c for c in checks if c.id == id and c.form == form)


def test_every_registry_entry_and_claim_has_a_status(default_checks):
    registry = default_registry()
    listed = {(c.id, c.form) for c in default_checks}
    for entry in registry.values:
        forms = {entry.form} | ({"sp", "cs"} if entry.form == "both" else set())
        assert listed & {(entry.id, f) for f in forms}, f"{entry.id} ({entry.form}) missing from the claims check"
    for claim in registry.claims:
        assert (claim.id, "both") in listed
    assert all(c.status in set(Status) for c in default_checks)


def test_reconstructed_data_never_count_as_reproduced(default_checks):
    for check in default_checks:
        if "reconstructed" in check.data_provenance:
            assert check.status in (Status.BY_CONSTRUCTION, Status.NOT_REPRODUCED), check
        assert check.status != Status.REPRODUCED


def test_reconstructions_give_back_the_reported_numbers(default_checks):
    """A reconstruction that does not reproduce its own input is a bug in a forward model or an analysis."""
    for id in ("band_gap", "flat_band", "conductivity", "ch4_yield_4h", "co_yield_4h", "uvvis_band_1"):
        for form in ("sp", "cs"):
            assert _find(default_checks, id, form).status == Status.BY_CONSTRUCTION, (id, form)


def test_ch4_claim_is_inconsistent_with_electron_reading_beside_it(default_checks):
    check = _find(default_checks, "ch4_efficacy", "both")
    assert check.status == Status.INCONSISTENT
    assert "550.8" in check.note and "372" in check.note


def test_structural_numbers_need_the_deposited_cif(default_checks):
    assert _find(default_checks, "cu_o_mean", "sp").status == Status.NEEDS_CIF
    assert _find(default_checks, "plane_angle_ac", "cs").status == Status.NEEDS_CIF


def test_ambiguities_of_the_article_are_flagged(default_checks):
    assert _find(default_checks, "n_mu3_o_per_ti4", "both").status == Status.AMBIGUOUS
    assert _find(default_checks, "cu_coordination_number", "both").status == Status.AMBIGUOUS


@pytest.mark.parametrize("factor, expected", [(1.0, Status.REPRODUCED), (2.0, Status.NOT_REPRODUCED)])
def test_user_iv_file_is_judged_against_the_reported_conductivity(tmp_path, factor, expected):
    sigma = default_registry().value("conductivity", "cs") * factor
    length_mm, area_mm2 = 0.5, 0.02
    frame = simulate_iv(np.linspace(-0.2, 0.2, 41),
                        conductance_S=conductance_from_conductivity(sigma, length_mm, area_mm2),
                        rng=np.random.default_rng(1))
    path = tmp_path / "iv_user.csv"
    frame.to_csv(path, index=False)
    datasets.add_user_file("cs", "iv", path, metadata={"length_mm": length_mm, "area_mm2": area_mm2})
    check = _find(check_claims(), "conductivity", "cs")
    assert "user" in check.data_provenance  # the blank stays the reconstructed one
    assert check.status == expected
    assert check.computed == pytest.approx(sigma, rel=0.05)


def test_cli_claims_json_lists_status_and_provenance():
    out = run_cli("claims", "--json", check_json=True).json
    row = next(c for c in out["claims"] if c["id"] == "band_gap" and c["form"] == "cs")
    assert row["status"] == "consistent by construction"
    assert row["provenance"]["data_provenance"] == ["reconstructed"]
    assert sum(out["status_counts"].values()) == len(out["claims"])
