"""A schematic of one {Ti10Cu2} cluster: the building units the article's text names, as a labelled graph —
*illustrative*.

The text (main text, structure description; registry entries ``n_ti`` … ``n_sal_ti_cu_ti``) names: 10 Ti(IV) and
2 Cu(II); two trapezoidal {Ti4} units, "every four Ti(IV) are connected by two μ3-O"; the two parallel {Ti4}
"bridged by four μ2-O to form a {Ti8} double layer"; the remaining two Ti and two Cu as two {TiCu} dimers joined by
sal²⁻ and "attached to the {Ti8} core from the side"; eight sal²⁻ in two modes (2 bridge two Ti of the core
through the carboxylate; 6 bind one Ti and one Cu through the carboxylate and a further Ti through the phenolate
O); each Cu's sphere "three carboxylic COO⁻ and two CH3O⁻". For cs: the cluster "lost a terminal –OMe" and is
linked into chains "through two Sal–Cu motifs", with "two linker hinges attached to it".

The text gives counts and units, never which atoms are joined: every edge below joins a ligand or oxygen to the
unit the text names, drawn to nearby atoms of that unit for the layout only. Two readings of the μ3-O are kept
side by side (:data:`READINGS`), as the registry keeps them: the printed formula's two μ3-O and six μ2-O per
cluster ("formula"), or two μ3-O in *each* {Ti4} as the sentence says, i.e. four, with the four μ2-O of the
double layer ("text"). Both give eight oxo O; they differ in how many are μ3. The counts reported by
:meth:`CoreSchematic.summary` are counted off the graph (not copied from the registry), so a test can compare
them with the registry and the formula.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, field

from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.core.results import Result, to_jsonable
from ti10cu2_lib.data.registry import default_registry

FORMS = ("sp", "cs")
READINGS = {
    "formula": "the printed formula: 2 μ3-O and 6 μ2-O per cluster (the text places only the 4 μ2-O of the {Ti8} "
               "double layer)",
    "text": "the sentence 'every four Ti(IV) are connected by two μ3-O', for each {Ti4}: 4 μ3-O, with the 4 μ2-O of "
            "the {Ti8} double layer",
}
SOURCE = "schematic from the article's text"
#: node kinds → (legend text, colour): Ti green, Cu blue, O red, C grey as in the article's figures; a node's
#: ``note`` (hover) says more
KINDS: dict[str, tuple[str, str]] = {
    "Ti": ("Ti(IV)", "#2ca02c"),
    "Cu": ("Cu(II)", "#1f5bd6"),
    "mu3_O": ("μ3-O", "#8b0000"),
    "mu2_O": ("μ2-O", "#e3211c"),
    "sal_core": ("sal²⁻ on two core Ti", "#7f7f7f"),
    "sal_ticu": ("sal²⁻ Ti–Cu + a further Ti", "#bdbdbd"),
    "OMe": ("Cu–OMe", "#ff9896"),
    "OMe_lost": ("–OMe lost (cs)", "#ffffff"),
    "hinge": ("hinge to a neighbour (cs)", "#9467bd"),
}


@dataclass(frozen=True)
class Node:
    """One item of the diagram: ``kind`` (see :data:`KINDS`), label, 2D position (layout units), ``unit`` it
    belongs to ({Ti4} A, {TiCu} 1 …; '' for none) and an optional note shown on hover."""

    id: str
    kind: str
    label: str
    x: float
    y: float
    unit: str = ""
    note: str = ""


@dataclass(frozen=True)
class Edge:
    """A connection the text names between two nodes; ``kind`` says which (carboxylate, phenolate, μ3-O …)."""

    a: str
    b: str
    kind: str


@dataclass(frozen=True)
class Unit:
    """A building unit drawn as a box: name, the box (x0, y0, x1, y1) and its member node ids."""

    name: str
    box: tuple[float, float, float, float]
    members: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class CoreSchematic(Result):
    """The labelled graph of one cluster of ``form`` in one μ3-O ``reading`` (see the module docstring)."""

    form: str
    reading: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    units: tuple[Unit, ...]
    notes: tuple[str, ...]
    origin: Origin = field(repr=False)

    def count(self, kind: str) -> int:
        return sum(1 for n in self.nodes if n.kind == kind)

    def metals(self) -> dict[str, int]:
        return {"Ti": self.count("Ti"), "Cu": self.count("Cu")}

    def bridging_oxygen(self) -> dict[str, int]:
        placed = sum(1 for n in self.nodes if n.kind == "mu2_O" and n.unit == "{Ti8}")
        return {"mu3_O": self.count("mu3_O"), "mu2_O": self.count("mu2_O"),
                "oxo_total": self.count("mu3_O") + self.count("mu2_O"), "mu2_O_placed_by_text": placed}

    def ligand_binding_modes(self) -> dict[str, int]:
        return {"bridging two Ti of the {Ti8} core through the carboxylate": self.count("sal_core"),
                "one Ti and one Cu through the carboxylate, a further Ti through the phenolate O":
                    self.count("sal_ticu")}

    def donors_of(self, node_id: str) -> Counter:
        """Kinds of the nodes joined to ``node_id`` (e.g. a Cu's carboxylates and methoxides)."""
        kinds = {n.id: n.kind for n in self.nodes}
        out: Counter = Counter()
        for e in self.edges:
            if node_id in (e.a, e.b):
                out[kinds[e.b if e.a == node_id else e.a]] += 1
        return out

    def summary(self) -> dict:
        """The ``ti10cu2 schematic core --json`` payload (both readings' bridging-O counts)."""
        other = core_schematic(self.form, "text" if self.reading == "formula" else "formula")
        readings = {self.reading: self.bridging_oxygen(), other.reading: other.bridging_oxygen()}
        cu = [n.id for n in self.nodes if n.kind == "Cu"]
        return to_jsonable({
            "provenance": self.origin.to_dict(),
            "form": self.form,
            "reading": self.reading,
            "readings": dict(READINGS),
            "metals": self.metals(),
            "units": {"{Ti4}": sum(1 for u in self.units if u.name.startswith("{Ti4}")),
                      "{Ti8} double layer": sum(1 for u in self.units if u.name == "{Ti8}"),
                      "{TiCu} dimers": sum(1 for u in self.units if u.name.startswith("{TiCu}"))},
            "bridging_oxygen": {k: readings[k] for k in READINGS},
            "ligand_binding_modes": self.ligand_binding_modes(),
            "sal_total": self.count("sal_core") + self.count("sal_ticu"),
            "cu_donors": {c: {"carboxylate": self.donors_of(c)["sal_ticu"], "OMe": self.donors_of(c)["OMe"],
                              "hinge": self.donors_of(c)["hinge"]} for c in cu},
            "cu_ome": self.count("OMe"),
            "terminal_ome_lost": self.count("OMe_lost"),
            "hinges": self.count("hinge"),
            "notes": list(self.notes),
            "diagram": {"nodes": [n.__dict__ for n in self.nodes], "edges": [e.__dict__ for e in self.edges],
                        "units": [{"name": u.name, "box": list(u.box), "members": list(u.members)}
                                  for u in self.units]},
        })

    def to_dict(self) -> dict:
        return self.summary()


def _count(registry_id: str) -> int:
    return int(default_registry().get(registry_id).value)


@functools.lru_cache(maxsize=8)
def core_schematic(form: str = "sp", reading: str = "formula") -> CoreSchematic:
    """The cluster of ``form`` as the text describes it, in μ3-O ``reading`` ``"formula"`` or ``"text"``."""
    if form not in FORMS:
        raise InputError(f"unknown form '{form}'", fix="use sp or cs")
    if reading not in READINGS:
        raise InputError(f"unknown reading '{reading}'", fix=f"use one of {', '.join(READINGS)}")
    n_ti, n_cu = _count("n_ti"), _count("n_cu")
    per_ti4 = _count("n_mu3_o_per_ti4")
    mu3_total = _count("n_mu3_o") if reading == "formula" else 2 * per_ti4
    mu2_total = _count("n_mu2_o") if reading == "formula" else _count("n_mu2_o_ti8")
    mu2_ti8, n_core_sal, n_ticu_sal = _count("n_mu2_o_ti8"), _count("n_sal_core_bridging"), _count("n_sal_ti_cu_ti")
    n_dimers = n_cu  # "two pairs of {TiCu} dimers": one Ti and one Cu each
    n_core_ti = n_ti - n_dimers
    if n_core_ti != 8 or n_dimers != 2:
        raise InputError(f"the registry gives {n_ti} Ti and {n_cu} Cu: not the {{Ti8}} + 2 {{TiCu}} of the text")
    nodes: list[Node] = []
    edges: list[Edge] = []
    units: list[Unit] = []

    # {Ti4} A (upper layer) and {Ti4} B (lower layer): trapezoids, long side outwards
    trapezoid = [(-1.7, 0.0), (-0.65, 0.85), (0.65, 0.85), (1.7, 0.0)]
    for name, y0, flip in (("A", 1.2, 1), ("B", -1.2, -1)):
        ids = []
        for x, dy in trapezoid:
            tid = f"Ti{len([n for n in nodes if n.kind == 'Ti']) + 1}"
            nodes.append(Node(tid, "Ti", tid, x, y0 + flip * dy, f"{{Ti4}} {name}"))
            ids.append(tid)
        units.append(Unit(f"{{Ti4}} {name}", (-2.0, y0 + min(0, flip * 0.85) - 0.3, 2.0,
                                              y0 + max(0, flip * 0.85) + 0.3), tuple(ids)))
        here = mu3_total // 2
        spots = [(-0.6, 0.4), (0.6, 0.4)] if here == 2 else [(0.0, 0.4)]
        for j, (x, dy) in enumerate(spots[:here]):
            oid = f"O3{name}{j + 1}"
            nodes.append(Node(oid, "mu3_O", "μ3-O", x, y0 + flip * dy, f"{{Ti4}} {name}",
                              note="which three Ti it joins: not in the text"))
            members = ids[:3] if j == 0 else ids[1:]
            edges += [Edge(oid, t, "μ3-O") for t in members]
    ti_a = [n.id for n in nodes if n.unit == "{Ti4} A" and n.kind == "Ti"]
    ti_b = [n.id for n in nodes if n.unit == "{Ti4} B" and n.kind == "Ti"]
    for j in range(mu2_ti8):
        x = trapezoid[j][0]
        oid = f"O2D{j + 1}"
        nodes.append(Node(oid, "mu2_O", "μ2-O", x, 0.0, "{Ti8}", note="bridges the two {Ti4} (text)"))
        edges += [Edge(oid, ti_a[j], "μ2-O"), Edge(oid, ti_b[j], "μ2-O")]
    for j in range(mu2_total - mu2_ti8):
        oid = f"O2X{j + 1}"
        nodes.append(Node(oid, "mu2_O", "μ2-O (not placed)", -4.2 + 8.4 * j, -3.3, "",
                          note="in the formula, but the text does not say where"))
    units.append(Unit("{Ti8}", (-2.25, -2.45, 2.25, 2.45), tuple(ti_a + ti_b)))

    # the two core-bridging sal²⁻: above {Ti4} A and below {Ti4} B
    places = ((3.0, ti_a[1:3]), (-3.0, ti_b[1:3]))
    if n_core_sal != len(places):
        raise InputError(f"the registry gives {n_core_sal} core-bridging sal²⁻, the diagram draws {len(places)}")
    for j, (y, pair) in enumerate(places):
        sid = f"salC{j + 1}"
        nodes.append(Node(sid, "sal_core", "sal²⁻", 0.0, y, "", note="bridges two Ti of the {Ti8} core (carboxylate)"))
        edges += [Edge(sid, t, "carboxylate") for t in pair]

    # two {TiCu} dimers on the sides of the double layer, three Ti–Cu–Ti sal²⁻ each, two OMe on each Cu
    per_dimer = n_ticu_sal // n_dimers
    for k, side in enumerate((-1, 1)):
        ti, cu = f"Ti{n_core_ti + k + 1}", f"Cu{k + 1}"
        x = side * 4.3
        nodes.append(Node(ti, "Ti", ti, x, 0.8, f"{{TiCu}} {k + 1}"))
        nodes.append(Node(cu, "Cu", cu, x, -0.8, f"{{TiCu}} {k + 1}",
                          note="sphere: three COO⁻ and two CH3O⁻ (text); 'eight-coordinated' counts more"))
        units.append(Unit(f"{{TiCu}} {k + 1}", (x - 0.5, -1.25, x + 0.5, 1.25), (ti, cu)))
        core_near = [ti_a[0 if side < 0 else 3], ti_b[0 if side < 0 else 3], ti_a[1 if side < 0 else 2]]
        for j in range(per_dimer):
            sid = f"salT{k * per_dimer + j + 1}"
            nodes.append(Node(sid, "sal_ticu", "sal²⁻", side * 3.15, 1.7 - 1.7 * j, "",
                              note="carboxylate to Ti and Cu of the dimer; phenolate O to a further Ti (which: not "
                                   "in the text; drawn to the core)"))
            edges += [Edge(sid, ti, "carboxylate"), Edge(sid, cu, "carboxylate"),
                      Edge(sid, core_near[j % len(core_near)], "phenolate")]
        for j in range(2):
            mid = f"OMe{2 * k + j + 1}"
            lost = form == "cs" and k == 0 and j == 0
            nodes.append(Node(mid, "OMe_lost" if lost else "OMe", "–OMe lost" if lost else "OMe",
                              x + side * 1.1, -1.8 + 1.0 * j, "",
                              note="the terminal –OMe cs has lost (text)" if lost else "CH3O⁻ on Cu (text)"))
            if not lost:
                edges.append(Edge(mid, cu, "Cu–OMe"))
    notes = [
        "units and counts from the main text; which atoms a bridge or ligand joins is not in the text: edges are "
        "drawn to nearby atoms of the named unit for the layout only",
        f"μ3-O reading '{reading}': {READINGS[reading]}; both readings have "
        f"{mu3_total + mu2_total} oxo O",
        "Cu: the text's 'eight-coordinated' against a sphere of three COO⁻ and two CH3O⁻ (five donors): shown as five",
    ]
    if form == "cs":
        nodes.append(Node("H1", "hinge", "hinge → next cluster", -6.4, -0.8, "",
                          note="Cu1, having lost its terminal –OMe, binds a sal²⁻ of the next cluster (Sal–Cu)"))
        nodes.append(Node("H2", "hinge", "hinge ← previous cluster", 6.4, 1.7, "",
                          note="a sal²⁻ of this cluster binds the Cu of the previous cluster (Sal–Cu)"))
        edges += [Edge("H1", "Cu1", "hinge"), Edge("H2", f"salT{per_dimer + 1}", "hinge")]
        notes += ["cs: 'two linker hinges attached to it' read as one to each neighbour: this cluster's Cu (which "
                  "lost the –OMe) to the next cluster's sal²⁻, and one of its sal²⁻ to the previous cluster's Cu",
                  "cs: the text says one terminal –OMe is lost; the printed formulas differ by two OCH3 and two H "
                  "(C2H8O2, two CH3OH) per cluster: not resolved here"]
    place = "main text, structure description" + ("; cs: Fig. 2d–e" if form == "cs" else "")
    origin = Origin(Provenance.ILLUSTRATIVE, f"{SOURCE}: ({form}) {place}; layout and atom choices not from a "
                                             "structure")
    return CoreSchematic(form, reading, tuple(nodes), tuple(edges), tuple(units), tuple(notes), origin)
