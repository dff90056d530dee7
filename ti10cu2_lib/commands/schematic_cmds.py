"""``ti10cu2 schematic supercrystal|core``: what the article's words determine about the packing and the cluster.

Both outputs are provenance ``illustrative`` (source "schematic from the article's text"): pictures of the words,
never evidence, never used by the claims check. ``supercrystal`` builds the sp (hexagonal close packing of spheres)
or cs (parallel chains of hinged spheres) schematic and measures it with the packing code that analyses a real CIF;
``core`` counts the building units of one cluster as the text names them, in both readings of its μ3-O count.
"""

from __future__ import annotations

import argparse
from typing import Any

from ti10cu2_lib.commands.common import add_json_flag, emit, format_table


def _supercrystal(args: argparse.Namespace) -> int:
    from ti10cu2_lib.structure.schematic import schematic_supercrystal

    model = schematic_supercrystal(args.form)
    payload: dict[str, Any] = model.summary()
    if not args.model:
        payload.pop("model")
    if args.json:
        return emit(args, payload)
    d = model.descriptors
    rows = [
        {"quantity": "clusters drawn", "value": payload["n_clusters"]},
        {"quantity": "clusters per cell", "value": payload["clusters_per_cell"]},
        {"quantity": "cluster diameter (nm)", "value": payload["cluster_diameter_nm"]},
        {"quantity": "dimensionality", "value": payload["dimensionality"]},
        {"quantity": "centroids in the first shell", "value": payload["centroid_coordination_number"]},
        {"quantity": "close packing", "value": payload["close_packing"] or "—"},
        {"quantity": "sphere packing fraction", "value": payload["packing_fraction"]},
    ]
    if d.dimensionality == 1:
        rows += [{"quantity": "chain axis [u v w]", "value": " ".join(map(str, payload["chain_axis"]))},
                 {"quantity": "links per cluster", "value": payload["links_per_cluster"]},
                 {"quantity": "chains parallel", "value": payload["chains_parallel"]},
                 {"quantity": "nearest neighbouring chain (nm)", "value": payload["interchain_distance_nm"]}]
    print(f"({args.form}) schematic supercrystal — ILLUSTRATIVE: {model.caption}")
    print(format_table(rows))
    print("diameter: " + payload["cluster_diameter_method"])
    for line in payload["assumptions"][1:]:
        print(f"assumption: {line}")
    print(f"provenance: {payload['provenance']['provenance']} — {payload['provenance']['source']}")
    return 0


def _core(args: argparse.Namespace) -> int:
    from ti10cu2_lib.structure.schematic_core import core_schematic

    core = core_schematic(args.form, args.reading)
    payload = core.summary()
    if not args.diagram:
        payload.pop("diagram")
    if args.json:
        return emit(args, payload)
    rows = [{"quantity": "metals", "value": ", ".join(f"{k} {v}" for k, v in payload["metals"].items())},
            *[{"quantity": f"bridging O ({reading} reading)",
               "value": f"{c['mu3_O']} μ3-O + {c['mu2_O']} μ2-O = {c['oxo_total']} oxo O"}
              for reading, c in payload["bridging_oxygen"].items()],
            *[{"quantity": f"sal2−: {mode}", "value": n} for mode, n in payload["ligand_binding_modes"].items()],
            {"quantity": "Cu–OMe / terminal –OMe lost / hinges",
             "value": f"{payload['cu_ome']} / {payload['terminal_ome_lost']} / {payload['hinges']}"}]
    print(f"({args.form}) one {{Ti10Cu2}} cluster as the article's text describes it — ILLUSTRATIVE (counted on "
          "the diagram of its building units)")
    print(format_table(rows))
    for note in payload["notes"]:
        print(f"note: {note}")
    print(f"provenance: {payload['provenance']['provenance']} — {payload['provenance']['source']}")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("schematic", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="what", metavar="WHAT", required=True)
    s = sub.add_parser("supercrystal", help="sp: hexagonal close packing of spheres; cs: parallel hinged chains",
                       description="A schematic supercrystal from the article's words, measured by the packing code "
                                   "of `ti10cu2 packing` (illustrative).")
    s.add_argument("--form", choices=("sp", "cs"), default="sp", help="which form (default sp)")
    s.add_argument("--model", action="store_true", help="with --json: include the sphere and link coordinates")
    add_json_flag(s)
    s.set_defaults(func=_supercrystal)
    c = sub.add_parser("core", help="the cluster's building units, metal and bridging-O counts, sal2− modes",
                       description="One cluster as the text describes it: units, counts in both μ3-O readings, "
                                   "ligand binding modes (illustrative).")
    c.add_argument("--form", choices=("sp", "cs"), default="sp", help="which form (default sp; cs adds the hinges)")
    c.add_argument("--reading", choices=("formula", "text"), default="formula",
                   help="μ3-O reading drawn (the JSON gives both counts either way)")
    c.add_argument("--diagram", action="store_true", help="with --json: include the nodes and edges of the diagram")
    add_json_flag(c)
    c.set_defaults(func=_core)
