"""Structure subcommands: ``structure``, ``bonds``, ``angles``, ``planes``, ``contacts``, ``coordination``, ``packing``.

Each takes a CIF file (``--block NAME`` picks a data block; default the first with atoms), prints a table,
or JSON with ``--json``. JSON shapes:

* ``structure`` → ``{formula_sum, space_group, space_group_number, cell{a,b,c,alpha,beta,gamma,volume}, z,
  n_atoms_cell, components[{formula, dimensionality, n_atoms, count_per_cell, …}], form, warnings,
  provenance, …}``
* ``bonds`` → a top-level JSON list of ``{label1, label2, symop, distance}`` (each bond once; ``symop`` is
  the CIF ``n_klm`` code of the second atom, ``1_555`` = as listed; distance in Å). ``--long-contacts``
  prints the long metal···O/N contacts instead, in the same shape.
* ``angles`` → ``{centre, angles[{label1, symop1, centre, label3, symop3, angle}], provenance}`` (degrees)
* ``planes`` → ``{planes[{atoms, centroid, normal, rms_deviation, max_deviation, deviations}],
  interplanar_angles[{plane1, plane2, angle}], provenance}`` (planes numbered from 1)
* ``contacts`` → ``{contacts[{donor, hydrogen, ring, h_cg, x_cg, x_h_cg_angle, gamma, h_perp, offset,
  relation}], criteria, provenance}``
* ``coordination`` → ``{metals[…], oxygens[…], mu_counts, jahn_teller_threshold, rule, provenance}``
* ``packing`` → ``{unit_formula, n_units_cell, nearest_distance, shells, stacking, packing_coefficient,
  packing_coefficient_se, centroids_frac, …, provenance}`` (+ ``supercell`` with ``--supercell 2,2,2``)

A CIF given on the command line has provenance ``user``; every result is ``computed`` from it.
"""

from __future__ import annotations

import argparse

from ti10cu2_lib.commands.common import add_json_flag, emit, format_table, number_in, positive_float
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.results import to_jsonable
from ti10cu2_lib.structure.bonds import DEFAULT_TOLERANCE, bond_pair_filter, find_bonds
from ti10cu2_lib.structure.cif import CrystalStructure, load_cif
from ti10cu2_lib.structure.contacts import DEFAULT_MAX_GAMMA, DEFAULT_MAX_H_CG, ch_pi_contacts
from ti10cu2_lib.structure.coordination import DEFAULT_JAHN_TELLER_THRESHOLD, coordination
from ti10cu2_lib.structure.geometry import angles_at, fit_plane, interplanar_angle
from ti10cu2_lib.structure.packing import packing, supercell_centroids
from ti10cu2_lib.structure.recognition import expected_form
from ti10cu2_lib.structure.report import structure_summary
from ti10cu2_lib.structure.topology import connected_components


def _common(parser: argparse.ArgumentParser, *, tolerance: bool = True) -> None:
    parser.add_argument("file", metavar="FILE", help="a CIF file (small-molecule structure)")
    parser.add_argument("--block", metavar="NAME", default=None,
                        help="data block to use (default: the first block with atom sites)")
    if tolerance:
        parser.add_argument("--tolerance", type=number_in(0, 2), default=DEFAULT_TOLERANCE, metavar="Å",
                            help="bond tolerance added to the sum of Cordero covalent radii (default 0.40 Å, "
                                 "PLATON's)")
    add_json_flag(parser)


def _load(args: argparse.Namespace) -> CrystalStructure:
    return load_cif(args.file, args.block)


def _provenance_line(payload: dict) -> str:
    prov = payload.get("provenance") or {}
    data = f" (data: {', '.join(prov['data_provenance'])})" if prov.get("data_provenance") else ""
    return f"provenance: {prov.get('provenance')}{data} — {prov.get('source')}"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the structure subcommands."""
    p = subparsers.add_parser("structure",
                              description="Cell, space group, Z, formula, atoms per cell, connected components "
                                          "(0D molecules / 1D chains …), {Ti10Cu2} form recognition, warnings.")
    _common(p)
    p.set_defaults(func=cmd_structure)

    p = subparsers.add_parser("bonds",
                              description="Bonds by the rule d ≤ r1 + r2 + tolerance (Cordero 2008 radii). "
                                          "Each bond once: label1, label2, symop (CIF n_klm of label2), distance (Å).")
    _common(p)
    p.add_argument("--pair", metavar="EL-EL", default=None, help="only bonds between these elements, e.g. Cu-O")
    p.add_argument("--long-contacts", action="store_true",
                   help="list the long metal···O/N contacts (beyond the bond cut-off, up to 3.0 Å) instead")
    p.set_defaults(func=cmd_bonds)

    p = subparsers.add_parser("angles",
        description="Every angle X–centre–Y over the bonds of the centre atom (degrees).")
    _common(p)
    p.add_argument("--center", "--centre", dest="center", required=True, metavar="LABEL", help="centre atom label")
    p.add_argument("--long-contacts", action="store_true", help="include long metal···O/N contacts")
    p.set_defaults(func=cmd_angles)

    p = subparsers.add_parser("planes",
                              description="One least-squares plane (SVD) per --atoms group; angles between all "
                                          "pairs of planes (0–90°). Atoms: LABEL or LABEL@n_klm.")
    _common(p, tolerance=False)
    p.add_argument("--atoms", action="append", required=True, metavar="L1,L2,...",
                   help="comma-separated atoms of one plane (repeat for more planes)")
    p.set_defaults(func=cmd_planes)

    p = subparsers.add_parser("contacts",
                              description="C–H···π contacts: H···Cg < 3.0 Å and angle(Cg→H, ring normal) < 40°; "
                                          "intra-/inter-molecular (or -chain) relation.")
    _common(p)
    p.add_argument("--max-h-cg", type=positive_float, default=DEFAULT_MAX_H_CG, metavar="Å",
                   help="H···Cg limit (3.0 Å)")
    p.add_argument("--max-gamma", type=number_in(0, 90, low_open=True), default=DEFAULT_MAX_GAMMA, metavar="DEG",
                   help="limit of the angle between Cg→H and the ring normal (40°)")
    p.set_defaults(func=cmd_contacts)

    p = subparsers.add_parser("coordination",
                              description="Donors of every metal (Cu split short/long at the Jahn–Teller threshold) "
                                          "and μ1/μ2/μ3 of every O.")
    _common(p)
    p.add_argument("--jahn-teller-threshold", type=positive_float, default=DEFAULT_JAHN_TELLER_THRESHOLD, metavar="Å",
                   help="Cu short/long split (default 2.30 Å)")
    p.set_defaults(func=cmd_coordination)

    p = subparsers.add_parser("packing",
                              description="Centroids of the molecules (or chain repeat units), neighbour shells, "
                                          "stacking direction and the packing coefficient (Monte-Carlo, fixed seed).")
    _common(p)
    p.add_argument("--supercell", default=None, metavar="NA,NB,NC",
                   help="also list centroid positions in this supercell, e.g. 2,2,2")
    p.set_defaults(func=cmd_packing)


def _dimensionality_text(value: int | None) -> str:
    return "undetermined" if value is None else f"{value}D"


def cmd_structure(args: argparse.Namespace) -> int:
    st = _load(args)
    bonds = find_bonds(st, args.tolerance)
    topo = connected_components(st, bonds)
    payload = structure_summary(st, topo, expected_form(st, [c.formula for c in topo.classes]))
    c = payload["cell"]
    rows = [
        {"quantity": "block", "value": payload["block"]},
        {"quantity": "formula (_chemical_formula_sum)", "value": payload["formula_sum"] or "—"},
        {"quantity": "formula (from sites, per Z)", "value": payload["formula_from_sites"]},
        {"quantity": "space group", "value": f"{payload['space_group']} (No. {payload['space_group_number']})"},
        {"quantity": "cell a, b, c (Å)", "value": f"{c['a']}, {c['b']}, {c['c']}"},
        {"quantity": "cell α, β, γ (°)", "value": f"{c['alpha']}, {c['beta']}, {c['gamma']}"},
        {"quantity": "volume (Å³)", "value": c["volume"]},
        {"quantity": "Z", "value": payload["z"]},
        {"quantity": "atoms in the cell", "value": payload["n_atoms_cell"]},
        {"quantity": "{Ti10Cu2} form", "value": payload["form"]["form"] or "neither sp nor cs"},
    ]
    comp_rows = [{"formula": k["formula"], "dimensionality": _dimensionality_text(k["dimensionality"]),
                  "n_atoms": k["n_atoms"],
                  "per cell": k["count_per_cell"],
                  "propagation": (f"[{' '.join(map(str, k['propagation']))}] {k['propagation_length']:.3f} Å"
                                  if k.get("propagation") else "")} for k in payload["components"]]
    text = format_table(rows) + "\n\ncomponents:\n" + format_table(comp_rows)
    if payload["warnings"]:
        text += "\n\nwarnings:\n" + "\n".join(f"- {w}" for w in payload["warnings"])
    return emit(args, payload, text)


def cmd_bonds(args: argparse.Namespace) -> int:
    st = _load(args)
    bonds = find_bonds(st, args.tolerance)
    chosen = bonds.unique_long_contacts() if args.long_contacts else bonds.unique()
    if args.pair:
        chosen = bond_pair_filter(chosen, args.pair)
    rows = [b.row() for b in chosen]
    if getattr(args, "json", False):
        return emit(args, rows)
    text = format_table(rows) + f"\n{len(rows)} {'long contact' if args.long_contacts else 'bond'}(s); {bonds.rule}"
    text += "".join(f"\nnote: {note}" for note in bonds.notes)
    if not args.long_contacts and bonds.long_contacts:
        text += f"\n{len(bonds.unique_long_contacts())} long metal···O/N contact(s) not counted: see --long-contacts"
    text += "\n" + _provenance_line(bonds.to_dict())
    print(text)
    return 0


def cmd_angles(args: argparse.Namespace) -> int:
    st = _load(args)
    result = angles_at(st, args.center, find_bonds(st, args.tolerance), include_long_contacts=args.long_contacts)
    payload = {"centre": result.centre,
               "angles": [{"label1": a.label1, "symop1": a.symop1, "centre": a.centre, "label3": a.label3,
                           "symop3": a.symop3, "angle": round(a.angle, 3)} for a in result.angles],
               "provenance": result.origin.to_dict()}
    return emit(args, payload, payload["angles"])


def cmd_planes(args: argparse.Namespace) -> int:
    st = _load(args)
    planes = []
    for group in args.atoms:
        atoms = [a for a in group.split(",") if a.strip()]
        planes.append(fit_plane(st, atoms))
    angles = [{"plane1": i + 1, "plane2": j + 1, "angle": round(interplanar_angle(planes[i], planes[j]), 3)}
              for i in range(len(planes)) for j in range(i + 1, len(planes))]
    payload = {"planes": [{"atoms": list(p.atoms), "centroid": list(p.centroid), "normal": list(p.normal),
                           "rms_deviation": p.rms_deviation, "max_deviation": p.max_deviation,
                           "deviations": list(p.deviations)} for p in planes],
               "interplanar_angles": angles,
               "provenance": planes[0].origin.to_dict()}
    rows = [{"plane": k + 1, "atoms": ",".join(p.atoms), "rms (Å)": round(p.rms_deviation, 4),
             "max dev (Å)": round(p.max_deviation, 4)} for k, p in enumerate(planes)]
    text = format_table(rows)
    if angles:
        text += "\n\ninterplanar angles (°):\n" + format_table(angles)
    return emit(args, payload, text)


def cmd_contacts(args: argparse.Namespace) -> int:
    st = _load(args)
    result = ch_pi_contacts(st, find_bonds(st, args.tolerance), max_h_cg=args.max_h_cg, max_gamma=args.max_gamma)
    keys = ("donor", "hydrogen", "ring", "h_cg", "x_cg", "x_h_cg_angle", "gamma", "h_perp", "offset", "relation")
    rows = [{k: (round(v, 3) if isinstance(v, float) else v) for k, v in to_jsonable(c).items() if k in keys}
            for c in result.contacts]
    payload = {"contacts": rows, "criteria": result.criteria, "provenance": result.origin.to_dict()}
    text = format_table(rows) if rows else "no C–H···π contacts"
    return emit(args, payload, text + f"\ncriteria: {result.criteria}")


def cmd_coordination(args: argparse.Namespace) -> int:
    st = _load(args)
    result = coordination(st, find_bonds(st, args.tolerance), jahn_teller_threshold=args.jahn_teller_threshold)
    payload = to_jsonable(result)
    payload["mu_counts"] = result.mu_counts()
    rows = [{"metal": m.label, "CN": m.coordination_number, "CN+long": m.coordination_number_with_long,
             "donors": " ".join(f"{d.label}{'' if d.symop == '1_555' else '@' + d.symop}:{d.distance:.3f}"
                                + ("*" if d.long_contact else "") for d in m.donors)} for m in result.metals]
    text = format_table(rows) + "\n(* long contact)\nO modes: " + ", ".join(
        f"{k} {v}" for k, v in result.mu_counts().items()) + f"\nrule: {result.rule}"
    return emit(args, payload, text)


def cmd_packing(args: argparse.Namespace) -> int:
    st = _load(args)
    topo = connected_components(st, find_bonds(st, args.tolerance))
    result = packing(st, topo)
    payload = to_jsonable(result)
    if args.supercell:
        try:
            reps = tuple(int(x) for x in args.supercell.split(","))
            if len(reps) != 3 or min(reps) < 1 or max(reps) > 10:
                raise ValueError
        except ValueError:
            raise InputError(f"--supercell '{args.supercell}' is not three integers 1–10",
                             fix="write e.g. --supercell 2,2,2") from None
        payload["supercell"] = supercell_centroids(result, st, reps)  # type: ignore[arg-type]
    rows = [{"quantity": "unit", "value": f"{result.unit_formula} ({result.unit_dimensionality}D)"},
            {"quantity": "units per cell", "value": result.n_units_cell},
            {"quantity": "nearest centroid distance (Å)", "value": result.nearest_distance or "—"},
            {"quantity": "stacking", "value": result.stacking.description if result.stacking else "—"},
            {"quantity": "packing coefficient", "value": f"{result.packing_coefficient:.3f} ± "
                                                        f"{result.packing_coefficient_se:.3f}"}]
    shells = [{"shell": k + 1, "r (Å)": f"{s.r_min:.2f}–{s.r_max:.2f}", "count": s.count, "cumulative": s.cumulative}
              for k, s in enumerate(result.shells)]
    text = format_table(rows) + ("\n\nneighbour shells:\n" + format_table(shells) if shells else "")
    return emit(args, payload, text)
