"""Schematic {Ti10Cu2} supercrystals: what the article's words determine, built and measured — *illustrative*.

The authors' CIFs cannot be shipped, so no coordinates of the clusters are known here. The main text still
fixes the *kind* of packing of each form:

* **sp** — "{Ti10Cu2} tends to pack as hard spheres in hexagonal superlattices"; "close packing in an ABAB
  stacking manner" (main text and Fig. S4): equal spheres in hexagonal close packing.
* **cs** — each cluster "lost a terminal –OMe"; "the adjacent {Ti10Cu2} clusters are further extended to 1D
  chains through two Sal–Cu motifs", "each cluster unit in the polymer has two linker hinges attached to it"
  (Fig. 2d–e); "the polymeric chains … are stacked parallelly in a unit cell".

What the text does not give — cell, space group of cs, cluster shape and orientation, the registry of
neighbouring chains — is filled in by stated assumptions (:attr:`SchematicSupercrystal.assumptions`); the result
is provenance ``illustrative`` (source "schematic from the article's text") and never evidence in the claims
check.

**Cluster size.** The cluster is a sphere whose volume is the close-packed share of the volume one cluster takes
in a molecular crystal: ``V = 18 Å³ × (non-H atoms of the formula)`` (the "18 Å³ rule" of thumb for organic and
metal–organic crystals, Kempster & Lipson, Acta Cryst. B 1972, 28, 3674), ``π d³ / 6 = 0.7405 × V`` (equal
spheres in a close packing fill π/√18 = 74.05 % of space). For sp, C74H92Cu2O50Ti10: 136 non-H atoms,
V ≈ 2448 Å³, d ≈ 1.51 nm.

**Measured by the library's own code.** Each form becomes a :class:`~.cif.CrystalStructure` parsed from a
generated CIF (:func:`scaffold_cif`): every cluster is a small rigid *pseudo-molecule* at its sphere centre — a
straight row of placeholder atoms (a "Ti" centre, "C" spacers, a "Cu" site near the sphere surface at each end)
that only carries connectivity for the covalent-radius bond rule. In sp each end Cu carries a terminal O (the
–OMe); in cs one O "hinge" per cluster sits at the contact point and bridges the Cu of two neighbouring clusters.
The bond, topology and packing code that analyses a real CIF then finds the units, their centroids, shells,
close packing and chains (:func:`~.packing.supercrystal_descriptors`): so the schematic is also a test of that
code, and its descriptors can stand beside those of a real structure.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from pathlib import Path

import gemmi
import numpy as np

from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.paths import DATA_DIR
from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.core.results import Result, to_jsonable
from ti10cu2_lib.structure.cif import CrystalStructure, format_formula, parse_cif_text
from ti10cu2_lib.structure.packing import SupercrystalDescriptors, packing, supercrystal_descriptors
from ti10cu2_lib.structure.recognition import EXPECTED_FORMS
from ti10cu2_lib.structure.topology import connected_components

FORMS = ("sp", "cs")
#: Volume one molecule takes in a molecular crystal per non-H atom (Å³): the "18 Å³ rule" of thumb.
VOLUME_PER_NON_H_ATOM = 18.0
#: Fraction of space filled by equal spheres in a close packing (fcc or hcp), π / √18.
CLOSE_PACKING_FRACTION = math.pi / math.sqrt(18.0)
SOURCE = "schematic from the article's text"
#: Where in the article each form's packing words are.
ARTICLE_PLACES = {
    "sp": "main text ('pack as hard spheres in hexagonal superlattices'; 'close packing in an ABAB stacking manner', "
          "Fig. S4)",
    "cs": "main text ('lost a terminal –OMe'; '1D chains through two Sal–Cu motifs'; 'two linker hinges', Fig. 2d–e; "
          "'chains … stacked parallelly')",
}
#: Scaffold distances (Å): the bond rule (Cordero radii + 0.40 Å) joins neighbours in the row and nothing else.
CU_O = 1.95  # Cu–O of the terminal –OMe (sp) or of the hinge (cs)
ROW_END = 2.0  # Ti(centre)–C and C–Cu
ROW_STEP = 1.5  # C–C spacers
#: Public COD structures shipped beside the schematics (data/demo/README.md says what and whence): until a form's
#: own CIF is imported or uploaded, sp is shown a 0D cluster crystal and cs a 1D chain of units with two links each.
#: They are NOT the article's structures (provenance ``illustrative`` wherever shown).
DEMO_DIR = DATA_DIR / "demo"
DEMO_FOR_FORM = {"sp": "COD_7050234_Ti4_alkoxide.cif", "cs": "COD_1518798_Ru2Co_cyanide_chain.cif"}


def demo_cif(form: str) -> Path | None:
    """The shipped public demo CIF shown for ``form`` (None when the file is missing)."""
    path = DEMO_DIR / DEMO_FOR_FORM.get(form, "")
    return path if form in DEMO_FOR_FORM and path.is_file() else None


#: Drawn spheres are this fraction of the estimated diameter, so contacts and hinges stay visible.
DRAW_SCALE = 0.9
#: The one sentence shown with every picture of the schematic.
CAPTION = {
    "sp": ("Illustrative: equal spheres of the diameter estimated from the formula, in hexagonal close packing with "
           "ABAB layers (A dark, B light), as the article's words say. It does not show the real cell (P2_1/c), "
           "nor the shape, orientation or contacts of the clusters: those need the deposited CIF."),
    "cs": ("Illustrative: spheres of the diameter estimated from the formula, each linked to its two neighbours "
           "through a hinge (blue), in parallel chains packed side by side, as the article's words say. It does not "
           "show the chain geometry, the registry of neighbouring chains or the cell: the text gives none of them."),
}


@dataclass(frozen=True)
class ClusterSize:
    """The sphere standing for one cluster: diameter in Å and nm, and how it was estimated."""

    formula: str
    non_h_atoms: int
    volume_per_cluster: float  # Å³ in the crystal
    diameter: float  # Å
    method: str

    @property
    def diameter_nm(self) -> float:
        return self.diameter / 10.0


def cluster_size(form: str) -> ClusterSize:
    """Diameter of the sphere standing for a {Ti10Cu2} cluster of ``form`` (rule in the module docstring)."""
    if form not in EXPECTED_FORMS:
        raise InputError(f"unknown form '{form}'", fix="use sp or cs")
    comp = EXPECTED_FORMS[form]
    heavy = int(round(sum(n for el, n in comp.items() if el != "H")))
    volume = VOLUME_PER_NON_H_ATOM * heavy
    diameter = (6.0 / math.pi * CLOSE_PACKING_FRACTION * volume) ** (1.0 / 3.0)
    method = (f"sphere volume = {CLOSE_PACKING_FRACTION:.4f} (close-packed fraction) × {VOLUME_PER_NON_H_ATOM:g} Å³ "
              f"per non-H atom (18 Å³ rule, Kempster & Lipson 1972) × {heavy} non-H atoms of "
              f"{format_formula(comp)} (the article's formula for {form})")
    return ClusterSize(format_formula(comp), heavy, volume, diameter, method)


# ------------------------------------------------------------------------------------------------ scaffold


def _row(diameter: float) -> list[tuple[str, str, float]]:
    """One half of a pseudo-molecule along its axis: (label, element, distance from the centre in Å), centre first.

    The row ends with a Cu at ``d/2 − CU_O``, so an O at the sphere surface (``d/2``) is bonded to it."""
    r_cu = diameter / 2.0 - CU_O
    span = r_cu - 2.0 * ROW_END  # from the first to the last C spacer
    if span < 0:
        raise InputError(f"cluster diameter {diameter:.2f} Å is too small for the scaffold",
                         fix=f"use a diameter of at least {2 * (2 * ROW_END + CU_O):.1f} Å")
    n_c = max(1, int(round(span / ROW_STEP)) + 1)
    step = span / (n_c - 1) if n_c > 1 else 0.0
    out = [("CEN", "Ti", 0.0)]
    out += [(f"C{k + 1}", "C", ROW_END + k * step) for k in range(n_c)]
    out.append(("CU", "Cu", r_cu))
    return out


def _cif(name: str, cell: tuple[float, ...], symbol: str, sites: list[tuple[str, str, tuple[float, float, float]]],
         comment: str) -> str:
    ops = [op.triplet() for op in gemmi.SpaceGroup(symbol).operations()]
    a, b, c, alpha, beta, gamma = cell
    lines = [f"# {comment}",
             "# ILLUSTRATIVE SCAFFOLD: placeholder atoms that carry connectivity only; NOT a structure.",
             f"data_{name}", f"_cell_length_a {a:.6f}", f"_cell_length_b {b:.6f}", f"_cell_length_c {c:.6f}",
             f"_cell_angle_alpha {alpha:.4f}", f"_cell_angle_beta {beta:.4f}", f"_cell_angle_gamma {gamma:.4f}",
             f"_symmetry_space_group_name_H-M '{symbol}'", "loop_", "_symmetry_equiv_pos_as_xyz",
             *[f"'{op}'" for op in ops], "loop_", "_atom_site_label", "_atom_site_type_symbol",
             "_atom_site_fract_x", "_atom_site_fract_y", "_atom_site_fract_z", "_atom_site_occupancy"]
    lines += [f"{label} {el} {x:.6f} {y:.6f} {z:.6f} 1" for label, el, (x, y, z) in sites]
    return "\n".join(lines) + "\n"


def scaffold_cif(form: str, diameter: float, *, hinges: bool = True) -> str:
    """CIF text of the scaffold of ``form`` for spheres of ``diameter`` Å (see the module docstring).

    sp: P6_3/mmc, a = d, c = d √(8/3) (touching spheres in hcp), one pseudo-molecule on each 2c site
    (1/3, 2/3, 1/4), its row along c, a terminal O on each end Cu. cs: a hexagonal cell a = b = c = d (P1), one
    pseudo-molecule per cell with its row along c and one O hinge at the contact point (0, 0, 1/2), bonded to the
    Cu of both neighbouring clusters. ``hinges=False`` leaves the hinge out (the same cell without links: a
    control that must come out 0D; the Cu ends of neighbours, 2 × 1.95 Å apart, are metal–metal contacts, which
    are not bonds).
    """
    if form not in FORMS:
        raise InputError(f"unknown form '{form}'", fix="use sp or cs")
    row = _row(diameter)
    if form == "sp":
        c = diameter * math.sqrt(8.0 / 3.0)
        sites = [(label, el, (1 / 3, 2 / 3, 0.25 + z / c)) for label, el, z in row]
        sites.append(("OME", "O", (1 / 3, 2 / 3, 0.25 + (row[-1][2] + CU_O) / c)))  # the mirror at z = 1/4 adds −z
        return _cif("schematic_sp", (diameter, diameter, c, 90.0, 90.0, 120.0), "P 63/m m c", sites,
                    f"{SOURCE}: (Ti10Cu2)sp as hard spheres (d = {diameter:.3f} A) in hexagonal close packing")
    c = diameter
    sites = []
    for label, el, z in row:
        sites.append((f"{label}A", el, (0.0, 0.0, z / c)))
        if z > 0:
            sites.append((f"{label}B", el, (0.0, 0.0, 1.0 - z / c)))
    if hinges:
        sites.append(("HNG", "O", (0.0, 0.0, 0.5)))
    return _cif("schematic_cs", (diameter, diameter, c, 90.0, 90.0, 120.0), "P 1", sites,
                f"{SOURCE}: (Ti10Cu2)cs as spheres (d = {diameter:.3f} A) linked by hinges into parallel chains")


def scaffold_structure(form: str, diameter: float | None = None, *, hinges: bool = True) -> CrystalStructure:
    """The scaffold of ``form`` as a :class:`CrystalStructure` (provenance ``illustrative``)."""
    d = cluster_size(form).diameter if diameter is None else float(diameter)
    origin = Origin(Provenance.ILLUSTRATIVE, f"{SOURCE}: scaffold of ({form}) spheres, d = {d:.2f} Å")
    return parse_cif_text(scaffold_cif(form, d, hinges=hinges), source=f"<schematic {form}>", origin=origin)


# ------------------------------------------------------------------------------------------------ the model


@dataclass(frozen=True, eq=False)
class SchematicSupercrystal(Result):
    """A schematic supercrystal of one form: spheres, links, cell and the descriptors measured on it.

    ``spheres``: the clusters drawn (Cartesian centre in Å and a ``group``: the layer ``A``/``B`` for sp, the
    chain index for cs); ``links``: for cs, pairs of sphere indices joined by a hinge, with the hinge position.
    ``descriptors`` come from :func:`~.packing.supercrystal_descriptors` on the scaffold; ``packing_fraction``
    = spheres per cell (from the packing analysis) × π d³/6 / cell volume.
    """

    form: str
    size: ClusterSize
    structure: CrystalStructure = field(repr=False)
    descriptors: SupercrystalDescriptors
    packing_fraction: float
    spheres: tuple[dict, ...]
    links: tuple[dict, ...]
    assumptions: tuple[str, ...]
    caption: str
    origin: Origin = field(repr=False)

    @property
    def n_clusters(self) -> int:
        return len(self.spheres)

    @property
    def cell_matrix(self) -> list[list[float]]:
        """Rows a, b, c (Å, Cartesian) of the scaffold's cell."""
        return self.structure.orth.T.tolist()

    def summary(self) -> dict:
        """The ``ti10cu2 schematic supercrystal --json`` payload (model coordinates under ``model``)."""
        d = self.descriptors
        c = self.structure.cell
        out: dict = {
            "provenance": self.origin.to_dict(),
            "form": self.form,
            "what": self.caption,
            "article": ARTICLE_PLACES[self.form],
            "n_clusters": self.n_clusters,
            "clusters_per_cell": d.units_per_cell,
            "cluster_diameter_nm": round(self.size.diameter_nm, 4),
            "cluster_diameter_method": self.size.method,
            "dimensionality": None if d.dimensionality is None else f"{d.dimensionality}D",
            "centroid_coordination_number": _whole(d.coordination_number),
            "nearest_centroid_distance_nm": None if d.nearest_distance is None else round(d.nearest_distance / 10, 4),
            "stacking": d.stacking,
            "close_packing": None if d.close_packing is None else d.close_packing.description,
            "packing_fraction": round(self.packing_fraction, 4),
            "cell": {"a": c.a, "b": c.b, "c": c.c, "alpha": c.alpha, "beta": c.beta, "gamma": c.gamma,
                     "space_group": self.structure.space_group},
        }
        if d.dimensionality == 1:
            out.update({"chain_axis": list(d.chain_axis or ()),
                        "chain_period_nm": None if d.chain_period is None else round(d.chain_period / 10, 4),
                        "links_per_cluster": d.links_per_unit, "chains_parallel": d.chains_parallel,
                        "interchain_distance_nm": round(d.interchain_distances[0] / 10, 4)
                        if d.interchain_distances else None})
        out["assumptions"] = list(self.assumptions)
        out["descriptors"] = d.to_dict()
        out["model"] = {"spheres": [dict(s) for s in self.spheres], "links": [dict(k) for k in self.links],
                        "cell_matrix": self.cell_matrix, "draw_scale": DRAW_SCALE}
        return to_jsonable(out)

    def to_dict(self) -> dict:
        return self.summary()


def _whole(value: float | None) -> float | int | None:
    """A count as an int when it is whole (12, not 12.0)."""
    return int(value) if value is not None and float(value).is_integer() else value


def _assumptions(form: str, size: ClusterSize) -> tuple[str, ...]:
    common = [f"cluster diameter {size.diameter_nm:.2f} nm: {size.method}",
              "the scaffold's placeholder atoms (a row of Ti/C/Cu/O along each cluster's axis) only carry "
              "connectivity for the bond rule; they are not atoms of the cluster and are not drawn"]
    if form == "sp":
        return (*common, "ideal hexagonal close packing of touching spheres (c/a = √(8/3), space group P6_3/mmc); "
                         "the real crystal is P2_1/c with molecules that are not spheres")
    return (*common, "linked clusters touch: chain period = the diameter, the hinge at the contact point",
            "two hinges per cluster read as one to each neighbour in the chain (the text: 'through two Sal–Cu motifs', "
            "'two linker hinges attached to it')",
            "chains on a hexagonal net at a spacing of one diameter, neighbouring chains in register: the text gives "
            "neither the inter-chain distance nor the registry")


def _model(structure: CrystalStructure, form: str, diameter: float) -> tuple[tuple[dict, ...], tuple[dict, ...]]:
    """Spheres (centres of the scaffold's CEN atoms in a patch of cells) and, for cs, the hinge links."""
    centre_site = next(i for i, s in enumerate(structure.sites) if s.label.startswith("CEN"))
    images = structure.images
    centres = np.mod(images.pos[images.site == centre_site], 1.0)
    orth = structure.orth
    spheres: list[dict] = []
    if form == "sp":
        layers = 4  # A B A B
        origin = np.array([1 / 3, 2 / 3, 0.25]) @ orth.T
        for k in range(layers // 2):
            for i in range(-3, 4):
                for j in range(-3, 4):
                    for frac in centres:
                        xyz = (frac + np.array([i, j, k])) @ orth.T
                        if np.linalg.norm((xyz - origin)[:2]) <= 1.2 * diameter:
                            layer = "A" if abs(frac[0] - 1 / 3) < 1e-6 else "B"
                            spheres.append({"x": xyz[0], "y": xyz[1], "z": xyz[2], "group": layer})
        spheres.sort(key=lambda s: (round(s["z"], 3), round(s["y"], 3), round(s["x"], 3)))
        for n, s in enumerate(spheres):
            s["label"] = f"cluster {n + 1} (layer {s['group']})"
        return tuple(spheres), ()
    per_chain = 4
    chains = [(i, j) for i in range(-2, 3) for j in range(-2, 3)
              if np.linalg.norm((np.array([i, j, 0.0]) @ orth.T)[:2]) <= 1.01 * diameter]
    links: list[dict] = []
    for chain, (i, j) in enumerate(chains):
        first = len(spheres)
        for k in range(per_chain):
            xyz = (centres[0] + np.array([i, j, k])) @ orth.T
            spheres.append({"x": xyz[0], "y": xyz[1], "z": xyz[2], "group": chain,
                            "label": f"cluster {len(spheres) + 1} (chain {chain + 1})"})
        for k in range(per_chain - 1):
            a, b = spheres[first + k], spheres[first + k + 1]
            links.append({"from": first + k, "to": first + k + 1, "x": (a["x"] + b["x"]) / 2,
                          "y": (a["y"] + b["y"]) / 2, "z": (a["z"] + b["z"]) / 2,
                          "label": f"hinge (Sal–Cu) between clusters {first + k + 1} and {first + k + 2}"})
    return tuple(spheres), tuple(links)


@functools.lru_cache(maxsize=4)
def schematic_supercrystal(form: str) -> SchematicSupercrystal:
    """The schematic supercrystal of ``form`` (``sp`` or ``cs``), measured by the library's packing code."""
    size = cluster_size(form)
    structure = scaffold_structure(form, size.diameter)
    topo = connected_components(structure)
    # the Monte-Carlo vdW packing coefficient of placeholder atoms means nothing: few points, never shown
    result = packing(structure, topo, mc_points=2_000)
    descriptors = supercrystal_descriptors(structure, topo, result)
    fraction = result.n_units_cell * math.pi * size.diameter ** 3 / 6.0 / result.cell_volume
    spheres, links = _model(structure, form, size.diameter)
    origin = Origin(Provenance.ILLUSTRATIVE, f"{SOURCE}: ({form}) {ARTICLE_PLACES[form]}; sizes and arrangement "
                                             "from stated assumptions, not from a structure")
    return SchematicSupercrystal(form, size, structure, descriptors, fraction, spheres, links,
                                 _assumptions(form, size), CAPTION[form], origin)
