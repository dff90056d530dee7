"""BFDH morphology: ranking by d, reflection conditions, polyhedron shape, habit classes, CLI."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest

from ti10cu2_lib.cli import main
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.structure.morphology import bfdh, bfdh_from_cif, classify_habit


def _form(result, hkl):
    return next(f for f in result.forms if f.hkl == hkl)


def test_orthorhombic_ranking_follows_d():
    """P222 with a=10, b=7, c=5 Å: no reflection conditions, d from 1/d² = h²/a² + k²/b² + l²/c²."""
    a, b, c = 10.0, 7.0, 5.0
    result = bfdh((a, b, c, 90, 90, 90), "P 2 2 2", max_index=2)
    # independent list of forms: one per {±h ±k ±l} with non-negative indices, gcd 1
    expected = []
    for h, k, l_ in itertools.product(range(3), repeat=3):
        if (h, k, l_) != (0, 0, 0) and math.gcd(h, math.gcd(k, l_)) == 1:
            expected.append(((h, k, l_), 1 / math.sqrt((h / a) ** 2 + (k / b) ** 2 + (l_ / c) ** 2)))
    expected.sort(key=lambda item: -item[1])
    assert [f.d for f in result.forms] == pytest.approx([d for _, d in expected])
    assert [f.hkl for f in result.forms[:5]] == [(1, 0, 0), (0, 1, 0), (1, 1, 0), (0, 0, 1), (1, 0, 1)]
    assert [f.hkl for f in result.forms[:5]] == [hkl for hkl, _ in expected[:5]]
    assert result.forms[0].relative_growth_rate == 1.0
    assert _form(result, (0, 0, 1)).relative_growth_rate == pytest.approx(10 / 5)
    assert _form(result, (1, 1, 1)).multiplicity == 8 and _form(result, (1, 0, 0)).multiplicity == 2
    # the habit is the {100} {010} {001} box (other forms lie outside it): extents 2/d along a, b, c
    assert result.extents == pytest.approx((2 / c, 2 / b, 2 / a))
    on = {f.hkl for f in result.forms if f.on_habit}
    assert on == {(1, 0, 0), (0, 1, 0), (0, 0, 1)}
    assert sum(f.area_fraction for f in result.forms) == pytest.approx(1.0)
    # box faces: areas ∝ (2/b·2/c) etc.
    areas = {hkl: (2 / b) * (2 / c) if hkl == (1, 0, 0) else (2 / a) * (2 / c) if hkl == (0, 1, 0)
             else (2 / a) * (2 / b) for hkl in on}
    total = sum(areas.values())
    for hkl in on:
        assert _form(result, hkl).area_fraction == pytest.approx(areas[hkl] / total)
    assert result.aspect_ratio == pytest.approx(2.0) and result.habit == "block-like"


def test_p21c_absences_move_faces_to_allowed_multiples():
    result = bfdh((10.0, 12.0, 8.0, 90, 100, 90), "P 1 21/c 1")
    f010 = next(f for f in result.forms if f.primitive == (0, 1, 0))
    assert f010.hkl == (0, 2, 0) and f010.multiple == 2 and f010.d == pytest.approx(12.0 / 2)
    f001 = next(f for f in result.forms if f.primitive == (0, 0, 1))
    assert f001.hkl == (0, 0, 2)  # h0l: l = 2n
    assert f001.d == pytest.approx(8.0 * math.sin(math.radians(100)) / 2)
    f100 = next(f for f in result.forms if f.primitive == (1, 0, 0))
    assert f100.hkl == (1, 0, 0) and f100.d == pytest.approx(10.0 * math.sin(math.radians(100)))
    f10m1 = next(f for f in result.forms if f.primitive == (1, 0, -1))
    assert f10m1.hkl == (2, 0, -2)
    f110 = next(f for f in result.forms if f.primitive == (1, 1, 0))
    assert f110.hkl == (1, 1, 0) and f110.multiplicity == 4  # 2/m: (110) (1-10) (-110) (-1-10)
    # without the screw axis and glide (P2/m), (010) is allowed as it is
    assert next(f for f in bfdh((10.0, 12.0, 8.0, 90, 100, 90), "P 1 2/m 1").forms
                if f.primitive == (0, 1, 0)).hkl == (0, 1, 0)


def test_centred_and_d_glide_conditions(reference_data):
    body = bfdh((8.0, 8.0, 8.0, 90, 90, 90), "I m -3 m")
    assert next(f for f in body.forms if f.primitive == (1, 0, 0)).hkl == (2, 0, 0)
    assert body.forms[0].hkl == (1, 1, 0)  # bcc: {110} first (d = a/√2 > a/2)
    fddd = bfdh_from_cif(reference_data / "cif" / "COD_4111132_AgFe_MOF_large_cell.cif")
    assert fddd.space_group.startswith("F d d d")
    assert next(f for f in fddd.forms if f.primitive == (0, 0, 1)).hkl == (0, 0, 4)  # 00l: l = 4n
    assert next(f for f in fddd.forms if f.primitive == (1, 1, 1)).hkl == (1, 1, 1)


def test_habit_classes_from_shape():
    needle = bfdh((20.0, 20.0, 4.0, 90, 90, 90), "P 4/m m m")
    assert needle.habit == "needle/rod-like"
    assert needle.extents == pytest.approx((0.5, 0.1, 0.1)) and needle.aspect_ratio == pytest.approx(5.0)
    assert np.abs(np.array(needle.principal_axes_uvw[0])) == pytest.approx([0, 0, 1])  # long along c
    plate = bfdh((4.0, 4.0, 20.0, 90, 90, 90), "P 4/m m m")
    assert plate.habit == "plate-like" and plate.flatness == pytest.approx(5.0)
    cube = bfdh((10.0, 10.0, 10.0, 90, 90, 90), "P m -3 m")
    assert cube.habit == "block-like" and cube.aspect_ratio == pytest.approx(1.0)
    assert cube.forms[0].hkl == (1, 0, 0) and cube.forms[0].multiplicity == 6
    assert cube.forms[0].area_fraction == pytest.approx(1.0)


def test_classify_habit_thresholds():
    assert classify_habit(1.0, 1.0) == "block-like"
    assert classify_habit(1.99, 1.99) == "block-like"
    assert classify_habit(2.0, 1.0) == "needle/rod-like"
    assert classify_habit(1.0, 2.0) == "plate-like"
    assert classify_habit(3.0, 2.5) == "needle/rod-like"  # lath: the larger ratio decides
    assert classify_habit(2.5, 3.0) == "plate-like"
    assert classify_habit(1.6, 1.2, needle_threshold=1.5) == "needle/rod-like"
    with pytest.raises(ValueError):
        classify_habit(0.5, 1.0)


def test_real_cifs_give_a_closed_polyhedron(reference_data):
    for path in sorted((reference_data / "cif").glob("*.cif")):
        result = bfdh_from_cif(path)
        assert sum(f.area_fraction for f in result.forms) == pytest.approx(1.0)
        assert result.extents[0] >= result.extents[1] >= result.extents[2] > 0
        ds = [f.d for f in result.forms]
        assert ds == sorted(ds, reverse=True)
        assert result.leading_forms(1)[0].d == pytest.approx(max(f.d for f in result.forms if f.on_habit))


def test_bad_input():
    with pytest.raises(InputError, match="unknown space group"):
        bfdh((5, 5, 5, 90, 90, 90), "Q 42")
    with pytest.raises(InputError, match="max index"):
        bfdh((5, 5, 5, 90, 90, 90), "P 1", max_index=9)


def test_cli_morphology(reference_data, capsys, tmp_path):
    path = reference_data / "cif" / "COD_1501469_Cu_carboxyphenylazo_barbiturate.cif"
    assert main(["morphology", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"forms", "aspect_ratio", "habit", "extents", "provenance", "leading_forms"} <= data.keys()
    assert {"hkl", "d", "relative_growth_rate", "area_fraction"} <= data["forms"][0].keys()
    assert data["provenance"]["data_provenance"] == ["user"]
    assert main(["morphology", str(path)]) == 0
    assert "habit:" in capsys.readouterr().out
    assert main(["morphology", str(tmp_path / "none.cif")]) == 2
