"""Metal coordination spheres and the bridging mode (μ1/μ2/μ3…) of oxygen atoms.

Distances in Å. A metal's donors are its bonds (covalent-radius rule, :mod:`.bonds`) except to H and C
by default (a carboxylate C close to a chelated metal is not a donor), plus its long contacts
(metal···O/N beyond the bond cut-off, up to 3.0 Å), which are listed separately and counted only in
``coordination_number_with_long``.

Cu(II) is Jahn–Teller active: its equatorial Cu–O bonds are typically 1.9–2.1 Å and the axial ones
elongated to 2.3–2.9 Å (Halcrow, Chem. Soc. Rev. 2013, 42, 1784). Copper donors are therefore split at
``jahn_teller_threshold`` (default 2.30 Å) into *short* and *long* contacts; the threshold is stated in
every result. The article describes Cu as "eight-coordinated" with Cu–O from 1.959 to 2.863 Å, which only
holds if contacts up to ≈2.9 Å are counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ti10cu2_lib.core.provenance import Origin, computed_from
from ti10cu2_lib.core.results import Result
from ti10cu2_lib.structure.bonds import METALS, BondSet, find_bonds
from ti10cu2_lib.structure.cif import CrystalStructure

DEFAULT_JAHN_TELLER_THRESHOLD = 2.30  # Å
JAHN_TELLER_ELEMENTS = ("Cu",)


@dataclass(frozen=True)
class Donor:
    """One donor atom of a metal: label, symmetry code, element, distance (Å), and whether it is a long contact."""

    label: str
    symop: str
    element: str
    distance: float
    long_contact: bool = False


@dataclass(frozen=True)
class MetalSite:
    """Coordination sphere of one asymmetric-unit metal site."""

    label: str
    element: str
    coordination_number: int  # bonds by the covalent-radius rule (donor elements only)
    coordination_number_with_long: int  # plus long metal···O/N contacts
    donors: tuple[Donor, ...]  # sorted by distance, long contacts included (flagged)
    short: tuple[Donor, ...] = ()  # Jahn–Teller split (Cu only): d ≤ threshold
    long: tuple[Donor, ...] = ()  # Jahn–Teller split (Cu only): d > threshold
    jahn_teller_threshold: float | None = None  # Å, set for Cu
    mean_distance: float | None = None  # Å, over all donors (long contacts included)
    distance_range: tuple[float, float] | None = None  # Å


@dataclass(frozen=True)
class OxygenSite:
    """An oxygen atom and the metals it binds: ``mu`` = number of metal neighbours (0 = not metal-bound)."""

    label: str
    mu: int
    metals: tuple[str, ...]  # "Ti1", "Cu1@2_565", …
    distances: tuple[float, ...]  # Å
    via_long_contact: tuple[bool, ...] = ()

    @property
    def mode(self) -> str:
        """``μ1`` (terminal), ``μ2``, ``μ3`` …, or ``free`` when no metal is bound."""
        return f"μ{self.mu}" if self.mu else "free"


@dataclass(frozen=True, eq=False)
class Coordination(Result):
    """Coordination spheres of all metal sites and μ-modes of all O sites."""

    metals: tuple[MetalSite, ...]
    oxygens: tuple[OxygenSite, ...]
    jahn_teller_threshold: float
    rule: str
    origin: Origin = field(repr=False)

    def metal(self, label: str) -> MetalSite:
        """The metal site called ``label``."""
        for m in self.metals:
            if m.label.upper() == label.upper():
                return m
        raise KeyError(label)

    def mu_counts(self) -> dict[str, int]:
        """How many O sites (asymmetric unit) are μ1, μ2, … ."""
        out: dict[str, int] = {}
        for o in self.oxygens:
            out[o.mode] = out.get(o.mode, 0) + 1
        return dict(sorted(out.items()))


def _ref(label: str, symop: str) -> str:
    return label if symop == "1_555" else f"{label}@{symop}"


def coordination(structure: CrystalStructure, bonds: BondSet | None = None, *,
                 jahn_teller_threshold: float = DEFAULT_JAHN_TELLER_THRESHOLD,
                 ignore_elements: Iterable[str] = ("H", "C"), mu_from_long_contacts: bool = False) -> Coordination:
    """Coordination spheres of every metal site and the μ-mode of every O site.

    ``ignore_elements`` are never counted as donors. ``mu_from_long_contacts`` also counts metals reached
    only through a long contact when assigning μ to an oxygen (off by default).
    """
    bonds = bonds if bonds is not None else find_bonds(structure)
    ignore = set(ignore_elements)
    metals = []
    for i, site in enumerate(structure.sites):
        if site.element not in METALS:
            continue
        short_bonds = [b for b in bonds.around(i) if b.element2 not in ignore]
        long_contacts = [b for b in bonds.contacts_around(i) if b.element2 not in ignore]
        donors = sorted([Donor(b.label2, b.symop, b.element2, b.distance) for b in short_bonds]
                        + [Donor(b.label2, b.symop, b.element2, b.distance, True) for b in long_contacts],
                        key=lambda d: d.distance)
        dists = [d.distance for d in donors]
        kwargs: dict = {}
        if site.element in JAHN_TELLER_ELEMENTS:
            kwargs = {"short": tuple(d for d in donors if d.distance <= jahn_teller_threshold),
                      "long": tuple(d for d in donors if d.distance > jahn_teller_threshold),
                      "jahn_teller_threshold": jahn_teller_threshold}
        metals.append(MetalSite(
            site.label, site.element, len(short_bonds), len(donors), tuple(donors),
            mean_distance=sum(dists) / len(dists) if dists else None,
            distance_range=(min(dists), max(dists)) if dists else None, **kwargs))

    oxygens = []
    for i, site in enumerate(structure.sites):
        if site.element != "O":
            continue
        links = [(b, False) for b in bonds.around(i) if b.element2 in METALS]
        if mu_from_long_contacts:
            links += [(b, True) for b in bonds.contacts_around(i) if b.element2 in METALS]
        links.sort(key=lambda x: x[0].distance)
        oxygens.append(OxygenSite(site.label, len(links), tuple(_ref(b.label2, b.symop) for b, _ in links),
                                  tuple(b.distance for b, _ in links), tuple(flag for _, flag in links)))
    rule = (f"donors: bonded atoms except {', '.join(sorted(ignore))} ({bonds.rule}); "
            f"Cu split short/long at {jahn_teller_threshold:.2f} Å (Jahn–Teller); μ = metals bonded to an O"
            + (" (long contacts included)" if mu_from_long_contacts else ""))
    origin = computed_from(bonds.origin, method="coordination spheres and O bridging modes")
    return Coordination(tuple(metals), tuple(oxygens), jahn_teller_threshold, rule, origin)
