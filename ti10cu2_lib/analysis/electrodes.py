"""Reference electrodes: converting potentials to and from V vs NHE.

Potentials of the reference electrodes vs NHE at 25 °C (the usual table values, e.g.
Bard & Faulkner, *Electrochemical Methods*, 2nd ed., 2001; Sawyer, Sobkowiak & Roberts, *Electrochemistry for
Chemists*, 2nd ed., 1995, Table 5.1):

- Ag/AgCl in saturated KCl: +0.197 V; in 3.5 M KCl: +0.205 V; in 3 M KCl: +0.210 V; in 1 M KCl: +0.235 V
  (the Ag/AgCl potential depends on the chloride activity of its filling solution);
- saturated calomel electrode (SCE): +0.241 V;
- reversible hydrogen electrode (RHE): −0.0591·pH V (Nernst slope 2.303·RT/F at 298.15 K), so it needs the pH.

A bare "Ag/AgCl" (no filling solution named) is taken as saturated KCl, the most common commercial filling;
:func:`reference_warning` says so, because a 3 M KCl electrode would move every potential by 13 mV.

A potential E measured against reference R is ``E_NHE = E_R + E_R(vs NHE)``. NHE and SHE are treated as the
same scale (they differ by far less than any potential reported here).
"""

from __future__ import annotations

import re

import numpy as np
from numpy.typing import ArrayLike

from ti10cu2_lib.core.errors import InputError

NERNST_SLOPE_V_PER_PH = 0.0591  # 2.303·R·T/F at 25 °C, in V per pH unit

#: Canonical name → potential in V vs NHE at 25 °C ("Ag/AgCl" is the saturated-KCl electrode).
FIXED_REFERENCES_V_VS_NHE: dict[str, float] = {
    "NHE": 0.0, "Ag/AgCl": 0.197, "Ag/AgCl (3.5 M KCl)": 0.205, "Ag/AgCl (3 M KCl)": 0.210,
    "Ag/AgCl (1 M KCl)": 0.235, "SCE": 0.241}
REFERENCES = ("NHE", "Ag/AgCl", "Ag/AgCl (3.5 M KCl)", "Ag/AgCl (3 M KCl)", "Ag/AgCl (1 M KCl)", "SCE", "RHE")
BARE_AG_AGCL_KEY = "agagcl"

_ALIASES = {
    "nhe": "NHE", "she": "NHE",
    BARE_AG_AGCL_KEY: "Ag/AgCl", "agagclsatkcl": "Ag/AgCl", "agagclsaturatedkcl": "Ag/AgCl",
    "agagclkclsat": "Ag/AgCl", "agagclsat": "Ag/AgCl", "agagclsaturated": "Ag/AgCl",
    "agagcl35mkcl": "Ag/AgCl (3.5 M KCl)", "agagcl35m": "Ag/AgCl (3.5 M KCl)",
    "agagcl3mkcl": "Ag/AgCl (3 M KCl)", "agagcl3m": "Ag/AgCl (3 M KCl)",
    "agagcl1mkcl": "Ag/AgCl (1 M KCl)", "agagcl1m": "Ag/AgCl (1 M KCl)",
    "sce": "SCE", "saturatedcalomel": "SCE", "saturatedcalomelelectrode": "SCE", "hghg2cl2": "SCE",
    "hghg2cl2satkcl": "SCE", "scesatkcl": "SCE",
    "rhe": "RHE", "reversiblehydrogenelectrode": "RHE",
}


def _key(name: str) -> str:
    return re.sub(r"[\s/().,\-_\[\]]", "", str(name).lower()).replace("vs", "")


def canonical_reference(name: str) -> str:
    """The canonical name of a reference electrode written any usual way (see :data:`REFERENCES`).

    Case, spaces, slashes, dots, brackets and dashes are ignored, so "Ag/AgCl (sat. KCl)", "AgAgCl" and
    "ag/agcl" are all "Ag/AgCl" (saturated KCl), "Ag/AgCl (3 M KCl)" and "Ag/AgCl 3M" the 3 M KCl electrode.
    Unknown names raise :class:`InputError` listing the accepted ones.

    >>> canonical_reference("Ag/AgCl, 3 M KCl"), canonical_reference("vs. SCE")
    ('Ag/AgCl (3 M KCl)', 'SCE')
    """
    try:
        return _ALIASES[_key(name)]
    except KeyError:
        raise InputError(f"unknown reference electrode '{name}'",
                         fix="use one of: NHE (or SHE), Ag/AgCl (sat. KCl), Ag/AgCl (3.5 M KCl), Ag/AgCl (3 M KCl), "
                             "Ag/AgCl (1 M KCl), SCE, RHE (with --pH)") from None


def reference_warning(name: str) -> str | None:
    """A warning when ``name`` leaves the electrode's filling open (a bare "Ag/AgCl"), else ``None``.

    >>> reference_warning("Ag/AgCl (3 M KCl)") is None
    True
    >>> reference_warning("Ag/AgCl")[:42]
    "'Ag/AgCl' names no KCl concentration: take"
    """
    if _key(name) != BARE_AG_AGCL_KEY:
        return None
    return (f"'{name}' names no KCl concentration: taken as saturated KCl (+0.197 V vs NHE); with 3.5 M, 3 M or 1 M "
            "KCl the potentials vs NHE would be 8, 13 or 38 mV more positive (give e.g. 'Ag/AgCl (3 M KCl)')")


def reference_potential_V_vs_NHE(reference: str, pH: float | None = None) -> float:
    """Potential of the reference electrode itself, in V vs NHE (RHE: −0.0591·pH, so ``pH`` is required).

    >>> reference_potential_V_vs_NHE("Ag/AgCl (1 M KCl)"), reference_potential_V_vs_NHE("RHE", pH=7)
    (0.235, -0.4137)
    """
    name = canonical_reference(reference)
    if name != "RHE":
        return FIXED_REFERENCES_V_VS_NHE[name]
    if pH is None:
        raise InputError("potentials vs RHE need the electrolyte pH", fix="give the pH (e.g. --pH 7)")
    if not np.isfinite(pH) or not -1.0 <= pH <= 15.0:
        raise InputError(f"pH {pH} is outside −1…15", fix="give the electrolyte pH")
    return -NERNST_SLOPE_V_PER_PH * float(pH)


def to_nhe(potential_V: ArrayLike, reference: str, pH: float | None = None) -> float | np.ndarray:
    """Potential(s) measured vs ``reference`` → V vs NHE, e.g. −0.68 V vs Ag/AgCl (3 M KCl) → −0.47 V vs NHE."""
    shifted = np.asarray(potential_V, dtype=float) + reference_potential_V_vs_NHE(reference, pH)
    return float(shifted) if shifted.ndim == 0 else shifted


def from_nhe(potential_V_vs_NHE: ArrayLike, reference: str, pH: float | None = None) -> float | np.ndarray:
    """Potential(s) in V vs NHE → V vs ``reference``."""
    shifted = np.asarray(potential_V_vs_NHE, dtype=float) - reference_potential_V_vs_NHE(reference, pH)
    return float(shifted) if shifted.ndim == 0 else shifted
