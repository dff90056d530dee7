"""Band edges (CB/LUMO, VB/HOMO in V vs NHE) and which CO2-reduction products they allow thermodynamically.

- CB = E_fb + offset. The article takes the Mott–Schottky flat band as the LUMO (offset 0, the default); a
  common rule for n-type semiconductors puts the CB 0.1–0.2 V more negative than E_fb (offset −0.1…−0.2 V).
- VB = CB + Eg (the band gap in eV is numerically a potential difference in V). Every result carries
  :data:`BAND_EDGE_CAVEATS`: the optical gap is not the fundamental (transport) gap (exciton binding), the medium/pH of
  the flat-band measurement is not stated in the article, and CB = E_fb is the article's choice.
- A reduction is allowed when the CB is more negative than the couple's potential (margin = E_couple − CB > 0);
  the water oxidation that supplies the electrons is allowed when the VB is more positive than O2/H2O
  (margin = VB − E_couple > 0). Thermodynamics only: kinetics and overpotentials are not considered.

Couple potentials at pH 7 vs NHE: Habisreutinger, Schmidt-Mende & Stolarczyk, Angew. Chem. Int. Ed. 2013, 52,
7372 (Table 1). The H+/H2 value is given as −0.41 or −0.42 V in the literature (−0.0591·7 = −0.414 V); −0.41 V is
used. O2/H2O: +0.82 V = 1.229 V (standard) − 0.0591·7. CO2/CO2•− (−1.90 V) is the one-electron reduction
without proton coupling. At another pH a couple with m protons and n electrons shifts by
−0.0591·(m/n)·(pH − 7) V (Nernst, 25 °C): −0.0591 V/pH for every proton-coupled couple here, none for CO2/CO2•−.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ti10cu2_lib.analysis.electrodes import NERNST_SLOPE_V_PER_PH
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, computed_from
from ti10cu2_lib.core.results import Result

#: Caveats that go wherever HOMO = LUMO + Eg is shown.
BAND_EDGE_CAVEATS: tuple[str, ...] = (
    "Optical vs fundamental gap: the Tauc gap is an optical gap; in a molecular solid the gap between separated "
    "electron and hole (the transport gap) is larger by the exciton binding energy, often a few tenths of an eV, so "
    "VB = CB + Eg(optical) puts the HOMO potential less positive than it is by that amount.",
    "Medium and pH of the flat-band measurement: the article does not state the electrolyte or its pH (Fig. 5a, b). "
    "The couples are compared at the pH given here (default 7); an oxide-like surface shifts its flat band by about "
    "−59 mV per pH unit, so a measurement at another pH moves every margin by that much.",
    "CB = E_fb: the article takes the flat band as the LUMO; for an n-type semiconductor the CB usually lies "
    "0.1–0.2 V more negative (the offset option).",
)
COUPLES_SOURCE = ("Habisreutinger, Schmidt-Mende & Stolarczyk, Angew. Chem. Int. Ed. 2013, 52, 7372, Table 1 "
                  "(pH 7, V vs NHE; H+/H2 is −0.41 or −0.42 V depending on the source)")


@dataclass(frozen=True)
class RedoxCouple:
    """A half-reaction with its potential at pH 7 (V vs NHE) and its proton/electron count."""

    product: str
    reaction: str
    potential_V_vs_NHE_pH7: float
    electrons: int
    protons: int
    direction: str  # "reduction" (needs CB electrons) or "oxidation" (needs VB holes)

    def potential_V_vs_NHE(self, pH: float = 7.0) -> float:
        """The couple's potential at ``pH`` (Nernst shift −0.0591·(protons/electrons) V per pH unit from pH 7)."""
        return self.potential_V_vs_NHE_pH7 - NERNST_SLOPE_V_PER_PH * self.protons / self.electrons * (pH - 7.0)


REDOX_COUPLES: tuple[RedoxCouple, ...] = (
    RedoxCouple("CO2•−", "CO2 + e− → CO2•−", -1.90, 1, 0, "reduction"),
    RedoxCouple("HCOOH", "CO2 + 2H+ + 2e− → HCOOH", -0.61, 2, 2, "reduction"),
    RedoxCouple("CO", "CO2 + 2H+ + 2e− → CO + H2O", -0.53, 2, 2, "reduction"),
    RedoxCouple("HCHO", "CO2 + 4H+ + 4e− → HCHO + H2O", -0.48, 4, 4, "reduction"),
    RedoxCouple("H2", "2H+ + 2e− → H2", -0.41, 2, 2, "reduction"),
    RedoxCouple("CH3OH", "CO2 + 6H+ + 6e− → CH3OH + H2O", -0.38, 6, 6, "reduction"),
    RedoxCouple("CH4", "CO2 + 8H+ + 8e− → CH4 + 2H2O", -0.24, 8, 8, "reduction"),
    RedoxCouple("O2", "2H2O → O2 + 4H+ + 4e−", 0.82, 4, 4, "oxidation"),
)


def couple(product: str) -> RedoxCouple:
    """The couple that makes ``product`` ('CO', 'CH4', 'H2', 'O2', …)."""
    for candidate in REDOX_COUPLES:
        if candidate.product.lower() == product.lower():
            return candidate
    raise InputError(f"no redox couple for product '{product}'",
                     fix=f"use one of: {', '.join(c.product for c in REDOX_COUPLES)}")


@dataclass(frozen=True)
class Feasibility:
    """Whether one half-reaction is thermodynamically allowed; margin in V (positive = allowed)."""

    product: str
    reaction: str
    direction: str
    potential_V_vs_NHE: float
    margin_V: float
    margin_uncertainty_V: float | None
    allowed: bool


@dataclass(frozen=True)
class BandEdges(Result):
    """CB (LUMO) and VB (HOMO) in V vs NHE, the inputs they rest on, and the feasibility table."""

    form: str | None
    flat_band_V_vs_NHE: float
    band_gap_eV: float
    offset_V: float
    conduction_band_V_vs_NHE: float
    valence_band_V_vs_NHE: float
    conduction_band_uncertainty_V: float | None
    valence_band_uncertainty_V: float | None
    pH: float
    feasibility: tuple[Feasibility, ...]
    couples_source: str
    caveats: tuple[str, ...]
    origin: Origin


def feasibility_table(conduction_band_V_vs_NHE: float, valence_band_V_vs_NHE: float, *, pH: float = 7.0,
                      conduction_band_uncertainty_V: float | None = None,
                      valence_band_uncertainty_V: float | None = None) -> tuple[Feasibility, ...]:
    """Every couple of :data:`REDOX_COUPLES` at ``pH``: allowed when the margin (V) is positive."""
    rows = []
    for c in REDOX_COUPLES:
        potential = c.potential_V_vs_NHE(pH)
        if c.direction == "reduction":
            margin, uncertainty = potential - conduction_band_V_vs_NHE, conduction_band_uncertainty_V
        else:
            margin, uncertainty = valence_band_V_vs_NHE - potential, valence_band_uncertainty_V
        rows.append(Feasibility(product=c.product, reaction=c.reaction, direction=c.direction,
                                potential_V_vs_NHE=potential, margin_V=margin, margin_uncertainty_V=uncertainty,
                                allowed=margin > 0))
    return tuple(rows)


def band_edges(flat_band_V_vs_NHE: float, band_gap_eV: float, *, flat_band_origin: Origin, band_gap_origin: Origin,
               offset_V: float = 0.0, pH: float = 7.0, flat_band_uncertainty_V: float | None = None,
               band_gap_uncertainty_eV: float | None = None, form: str | None = None) -> BandEdges:
    """CB = E_fb + ``offset_V``, VB = CB + Eg, and the feasibility table at ``pH``.

    Uncertainties are ``None`` when unknown: the CB's is the flat band's, the VB's needs the band gap's too.
    """
    if not band_gap_eV > 0:
        raise InputError(f"band gap {band_gap_eV} eV is not positive", fix="give the optical band gap in eV")
    if not 0.0 <= pH <= 14.0:
        raise InputError(f"pH {pH} is outside 0–14", fix="give the pH of the reaction medium")
    cb = flat_band_V_vs_NHE + offset_V
    vb = cb + band_gap_eV
    cb_u = flat_band_uncertainty_V
    vb_u = None if cb_u is None or band_gap_uncertainty_eV is None else math.hypot(cb_u, band_gap_uncertainty_eV)
    method = (f"band edges: CB = E_fb {offset_V:+.3f} V, VB = CB + Eg; CO2-reduction couples at pH {pH:g} "
              f"({COUPLES_SOURCE})")
    return BandEdges(form=form, flat_band_V_vs_NHE=flat_band_V_vs_NHE, band_gap_eV=band_gap_eV, offset_V=offset_V,
                     conduction_band_V_vs_NHE=cb, valence_band_V_vs_NHE=vb, conduction_band_uncertainty_V=cb_u,
                     valence_band_uncertainty_V=vb_u, pH=pH,
                     feasibility=feasibility_table(cb, vb, pH=pH, conduction_band_uncertainty_V=cb_u,
                                                   valence_band_uncertainty_V=vb_u),
                     couples_source=COUPLES_SOURCE, caveats=BAND_EDGE_CAVEATS,
                     origin=computed_from(flat_band_origin, band_gap_origin, method=method))
