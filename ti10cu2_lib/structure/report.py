"""The whole structural anatomy of one CIF block in one call (bonds → components → coordination → rings →
C–H···π contacts → packing), each step computed once and shared."""

from __future__ import annotations

from dataclasses import dataclass, field

from ti10cu2_lib.core.provenance import Origin, computed_from
from ti10cu2_lib.core.results import Result
from ti10cu2_lib.structure.bonds import DEFAULT_TOLERANCE, BondSet, find_bonds
from ti10cu2_lib.structure.cif import CrystalStructure, formula_of
from ti10cu2_lib.structure.contacts import ContactSet, ch_pi_contacts
from ti10cu2_lib.structure.coordination import Coordination, coordination
from ti10cu2_lib.structure.geometry import RingSet, find_rings
from ti10cu2_lib.structure.packing import Packing, packing
from ti10cu2_lib.structure.recognition import FormMatch, expected_form
from ti10cu2_lib.structure.topology import Topology, connected_components


@dataclass(frozen=True, eq=False)
class Anatomy(Result):
    """Every structural analysis of one block."""

    structure: CrystalStructure = field(repr=False)
    bonds: BondSet = field(repr=False)
    topology: Topology = field(repr=False)
    coordination: Coordination = field(repr=False)
    rings: RingSet = field(repr=False)
    contacts: ContactSet = field(repr=False)
    packing: Packing = field(repr=False)
    form: FormMatch
    origin: Origin = field(repr=False)

    def summary(self) -> dict:
        """The ``ti10cu2 structure --json`` payload."""
        return structure_summary(self.structure, self.topology, self.form)


def anatomy(structure: CrystalStructure, *, tolerance: float = DEFAULT_TOLERANCE, mc_points: int = 100_000
            ) -> Anatomy:
    """Run every analysis on ``structure`` with default settings (bond ``tolerance`` in Å)."""
    bonds = find_bonds(structure, tolerance)
    topo = connected_components(structure, bonds)
    rings = find_rings(structure, bonds)
    return Anatomy(
        structure=structure, bonds=bonds, topology=topo, coordination=coordination(structure, bonds), rings=rings,
        contacts=ch_pi_contacts(structure, bonds, rings=rings, topology=topo),
        packing=packing(structure, topo, mc_points=mc_points),
        form=expected_form(structure, [c.formula for c in topo.classes]),
        origin=computed_from(structure.origin, method="structural anatomy"))


def structure_summary(structure: CrystalStructure, topology: Topology, form: FormMatch | None = None) -> dict:
    """Cell, space group, formula, Z, atoms per cell, components, warnings (the topology's notes among them) and
    provenance as a JSON-ready dict."""
    c = structure.cell
    out = {
        "block": structure.name,
        "database_code": structure.database_code,
        "formula_sum": structure.formula_sum,
        "formula_from_sites": formula_of(structure),
        "space_group": structure.space_group,
        "space_group_number": structure.space_group_number,
        "cell": {"a": c.a, "b": c.b, "c": c.c, "alpha": c.alpha, "beta": c.beta, "gamma": c.gamma,
                 "volume": round(c.volume, 3)},
        "z": structure.z,
        "n_sites_asymmetric_unit": len(structure.sites),
        "n_atoms_cell": structure.n_atoms_cell,
        # with no bond at all the dimensionality is undetermined (null), not 0D
        "dimensionality": topology.dimensionality if topology.determined else None,
        "components": [k.to_dict() | ({} if topology.determined else {"dimensionality": None})
                       for k in topology.classes],
    }
    if form is not None:
        out["form"] = {"form": form.form, "matched_by": form.matched_by, "mismatches": list(form.mismatches),
                       "notes": list(form.notes)}
    out["warnings"] = [*structure.warnings, *topology.notes]
    out["provenance"] = computed_from(structure.origin, method="structure summary").to_dict()
    return out


def _timed_run(paths: list[str]) -> None:
    """Print the time (s) of every anatomy step for each CIF: ``python -m ti10cu2_lib.structure.report FILE…``."""
    import time

    from ti10cu2_lib.structure.cif import load_cif

    def clock(times: dict[str, float], name: str, fn, *args, **kwargs):  # noqa: ANN001, ANN202
        t = time.perf_counter()
        value = fn(*args, **kwargs)
        times[name] = time.perf_counter() - t
        return value

    for path in paths:
        times: dict[str, float] = {}
        t0 = time.perf_counter()
        st = clock(times, "read", load_cif, path)
        clock(times, "cell images", lambda s: s.images, st)
        bonds = clock(times, "bonds", find_bonds, st)
        topo = clock(times, "components", connected_components, st, bonds)
        clock(times, "coordination", coordination, st, bonds)
        rings = clock(times, "rings", find_rings, st, bonds)
        clock(times, "C–H···π", ch_pi_contacts, st, bonds, rings=rings, topology=topo)
        clock(times, "packing", packing, st, topo)
        clock(times, "form", expected_form, st, [c.formula for c in topo.classes])
        total = time.perf_counter() - t0
        fresh = load_cif(path)
        t, c = time.perf_counter(), time.process_time()
        anatomy(fresh)
        one_call, one_cpu = time.perf_counter() - t, time.process_time() - c
        print(f"{path}: {len(st.sites)} sites, {st.n_atoms_cell} atoms/cell")
        print("  wall s: " + ", ".join(f"{k} {v:.3f}" for k, v in times.items()))
        print(f"  total {total:.3f} s (read + every step, first call); anatomy() again on a fresh load: "
              f"{one_call:.3f} s wall, {one_cpu:.3f} s CPU")


if __name__ == "__main__":
    import sys

    _timed_run(sys.argv[1:])
