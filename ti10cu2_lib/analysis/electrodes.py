"""Reference electrodes: converting potentials to and from V vs NHE.

Potentials of the reference electrodes vs NHE at 25 °C (the usual table values, e.g.
Bard & Faulkner, *Electrochemical Methods*, 2nd ed., 2001):

- Ag/AgCl in saturated KCl: +0.197 V
- saturated calomel electrode (SCE): +0.241 V
- reversible hydrogen electrode (RHE): −0.0591·pH V (Nernst slope 2.303·RT/F at 298.15 K), so it needs the pH.

A potential E measured against reference R is ``E_NHE = E_R + E_R(vs NHE)``. NHE and SHE are treated as the
same scale (they differ by far less than any potential reported here).
"""

from __future__ import annotations

import re

import numpy as np
from numpy.typing import ArrayLike

from ti10cu2_lib.core.errors import InputError

NERNST_SLOPE_V_PER_PH = 0.0591  # 2.303·R·T/F at 25 °C, in V per pH unit

FIXED_REFERENCES_V_VS_NHE: dict[str, float] = {"NHE": 0.0, "Ag/AgCl": 0.197, "SCE": 0.241}
REFERENCES = ("NHE", "Ag/AgCl", "SCE", "RHE")

_ALIASES = {
    "nhe": "NHE", "she": "NHE",
    "agagcl": "Ag/AgCl", "agagclsatkcl": "Ag/AgCl", "agagclsaturatedkcl": "Ag/AgCl", "agagclkclsat": "Ag/AgCl",
    "sce": "SCE", "saturatedcalomel": "SCE", "saturatedcalomelelectrode": "SCE", "hghg2cl2": "SCE",
    "hghg2cl2satkcl": "SCE", "scesatkcl": "SCE",
    "rhe": "RHE", "reversiblehydrogenelectrode": "RHE",
}


def canonical_reference(name: str) -> str:
    """The canonical name ('NHE', 'Ag/AgCl', 'SCE', 'RHE') of a reference electrode written any usual way.

    Case, spaces, slashes, dots, brackets and dashes are ignored, so "Ag/AgCl (sat. KCl)", "AgAgCl" and
    "ag/agcl" are all Ag/AgCl (saturated KCl). Unknown names raise :class:`InputError` listing the accepted ones.
    """
    key = re.sub(r"[\s/().,\-_\[\]]", "", str(name).lower()).replace("vs", "")
    try:
        return _ALIASES[key]
    except KeyError:
        raise InputError(f"unknown reference electrode '{name}'",
                         fix="use one of: NHE (or SHE), Ag/AgCl (saturated KCl), SCE, RHE (with --pH)") from None


def reference_potential_V_vs_NHE(reference: str, pH: float | None = None) -> float:
    """Potential of the reference electrode itself, in V vs NHE (RHE: −0.0591·pH, so ``pH`` is required)."""
    name = canonical_reference(reference)
    if name != "RHE":
        return FIXED_REFERENCES_V_VS_NHE[name]
    if pH is None:
        raise InputError("potentials vs RHE need the electrolyte pH", fix="give the pH (e.g. --pH 7)")
    if not np.isfinite(pH) or not -1.0 <= pH <= 15.0:
        raise InputError(f"pH {pH} is outside −1…15", fix="give the electrolyte pH")
    return -NERNST_SLOPE_V_PER_PH * float(pH)


def to_nhe(potential_V: ArrayLike, reference: str, pH: float | None = None) -> float | np.ndarray:
    """Potential(s) measured vs ``reference`` → V vs NHE."""
    shifted = np.asarray(potential_V, dtype=float) + reference_potential_V_vs_NHE(reference, pH)
    return float(shifted) if shifted.ndim == 0 else shifted


def from_nhe(potential_V_vs_NHE: ArrayLike, reference: str, pH: float | None = None) -> float | np.ndarray:
    """Potential(s) in V vs NHE → V vs ``reference``."""
    shifted = np.asarray(potential_V_vs_NHE, dtype=float) - reference_potential_V_vs_NHE(reference, pH)
    return float(shifted) if shifted.ndim == 0 else shifted
