"""Reference-electrode conversions against hand-worked values (Ag/AgCl sat. KCl +0.197, SCE +0.241 V vs NHE)."""

from __future__ import annotations

import numpy as np
import pytest

from ti10cu2_lib.analysis.electrodes import canonical_reference, from_nhe, reference_potential_V_vs_NHE, to_nhe
from ti10cu2_lib.core.errors import InputError


def test_article_flat_band_vs_ag_agcl():
    # −0.67 V vs NHE − 0.197 V = −0.867 V vs Ag/AgCl; −0.47 − 0.197 = −0.667
    assert from_nhe(-0.67, "Ag/AgCl") == pytest.approx(-0.867, abs=1e-12)
    assert from_nhe(-0.47, "Ag/AgCl") == pytest.approx(-0.667, abs=1e-12)
    assert to_nhe(-0.867, "Ag/AgCl") == pytest.approx(-0.67, abs=1e-12)


def test_sce_and_between_references():
    assert from_nhe(-0.67, "SCE") == pytest.approx(-0.911, abs=1e-12)
    # the same electrode state read vs Ag/AgCl and vs SCE differs by 0.241 − 0.197 = 0.044 V
    assert from_nhe(to_nhe(-0.5, "Ag/AgCl"), "SCE") == pytest.approx(-0.544, abs=1e-12)


def test_rhe_needs_ph_and_shifts_by_nernst_slope():
    # 0 V vs RHE at pH 7 is −0.0591·7 = −0.4137 V vs NHE
    assert to_nhe(0.0, "RHE", pH=7) == pytest.approx(-0.4137, abs=1e-12)
    assert from_nhe(-0.4137, "RHE", pH=7) == pytest.approx(0.0, abs=1e-12)
    assert to_nhe(0.5, "RHE", pH=0) == pytest.approx(0.5, abs=1e-12)
    with pytest.raises(InputError, match="pH"):
        to_nhe(0.0, "RHE")
    with pytest.raises(InputError, match="pH"):
        to_nhe(0.0, "RHE", pH=20)


@pytest.mark.parametrize("reference,pH", [("NHE", None), ("Ag/AgCl", None), ("SCE", None), ("RHE", 3.2)])
def test_round_trip_on_arrays(reference, pH):
    potentials = np.linspace(-1.5, 1.5, 31)
    converted = to_nhe(potentials, reference, pH)
    assert isinstance(converted, np.ndarray)
    np.testing.assert_allclose(from_nhe(converted, reference, pH), potentials, atol=1e-12)


@pytest.mark.parametrize("name", ["Ag/AgCl", "AgAgCl", "ag/agcl", "Ag/AgCl (sat. KCl)", "Ag/AgCl, saturated KCl",
                                  "vs. Ag/AgCl"])
def test_ag_agcl_aliases(name):
    assert canonical_reference(name) == "Ag/AgCl"
    assert reference_potential_V_vs_NHE(name) == pytest.approx(0.197)


@pytest.mark.parametrize("name,canonical", [("SHE", "NHE"), ("nhe", "NHE"), ("saturated calomel", "SCE"),
                                            ("Hg/Hg2Cl2", "SCE"), ("rhe", "RHE")])
def test_other_aliases(name, canonical):
    assert canonical_reference(name) == canonical


def test_unknown_reference_lists_the_accepted_names():
    with pytest.raises(InputError) as info:
        to_nhe(0.1, "Hg/HgO")
    message = str(info.value)
    for accepted in ("NHE", "Ag/AgCl", "SCE", "RHE"):
        assert accepted in message
