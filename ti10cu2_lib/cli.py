"""The ``ti10cu2`` command line: one entry point, one subcommand per analysis.

Each module in :mod:`ti10cu2_lib.commands` has ``register(subparsers)`` for its subcommands. Start-up stays fast:
:data:`COMMANDS` names each subcommand's module and summary, so ``ti10cu2 --help`` imports no command module, and
running a command imports only its own module (which imports the scientific packages it needs). User errors
(:class:`~ti10cu2_lib.core.errors.InputError`) print one line to stderr and exit with status 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from ti10cu2_lib.core.errors import InputError

#: Every subcommand, in the order ``--help`` lists them: name → (module in ti10cu2_lib.commands, one-line summary).
COMMANDS: dict[str, tuple[str, str]] = {
    "reported": ("reported_cmds", "every number the article reports, with its source"),
    "claims": ("claims_cmds", "every reported number and claim vs what our code computes"),
    "data": ("data_cmds", "list, add or regenerate the datasets (with provenance)"),
    "composition": ("composition_cmds", "sum formula, molar mass, elemental analysis, charge balance, TGA oxide "
                                        "residue"),
    "uvvis": ("optical_cmds", "UV-vis band maxima in nm and eV (article Fig. 3: 310 and 365 nm)"),
    "tauc": ("optical_cmds", "optical band gap from a Tauc plot of diffuse reflectance (article Fig. S20)"),
    "mott-schottky": ("electrical_cmds", "flat-band potential (V vs NHE) and carrier type from Mott–Schottky data"),
    "bands": ("electrical_cmds", "CB/LUMO and VB/HOMO (V vs NHE) of both forms and which CO2 products they allow"),
    "conductivity": ("electrical_cmds", "conductivity (S/m) from the slope of a single-crystal I–V sweep"),
    "co2": ("photochemistry_cmds", "CO2 photoreduction: production rates, final yields, electron balance and "
                                   "selectivity"),
    "photocurrent": ("photochemistry_cmds", "transient photocurrent: light edges, amplitude per cycle, rise/decay "
                                            "times"),
    "ir": ("thermal_ir_cmds", "IR bands, carboxylate νas/νs and Δν (Deacon–Phillips), Ti–O bands"),
    "tga": ("thermal_ir_cmds", "TGA: DTG, mass-loss steps, residue vs 10 TiO2 + 2 CuO, loss up to 300 °C"),
    "import-cif": ("deposit_cmds", "validate the authors' CIF and store it as provenance 'deposited'"),
    "fetch-structures": ("deposit_cmds", "try to download the deposited CIFs (fails fast offline)"),
    "structure": ("structure_cmds", "summary of a CIF: cell, space group, formula, components"),
    "bonds": ("structure_cmds", "bonds by covalent radii (Cordero 2008) + tolerance"),
    "angles": ("structure_cmds", "bond angles at one atom"),
    "planes": ("structure_cmds", "least-squares planes and interplanar angles"),
    "contacts": ("structure_cmds", "C–H···π contacts (PLATON convention)"),
    "coordination": ("structure_cmds", "metal coordination spheres and O bridging modes (μ)"),
    "packing": ("structure_cmds", "centroid packing, neighbour shells, stacking, packing coefficient"),
    "morphology": ("pxrd_cmds", "BFDH crystal morphology (faces, growth rates, habit) of a CIF"),
    "pxrd": ("pxrd_cmds", "simulated powder X-ray pattern of a CIF (optionally compared with a measured pattern)"),
    "survey": ("survey_cmds", "packing descriptors of every CIF under some folders, on Dask, into Parquet"),
    "schematic": ("schematic_cmds", "illustrative schematics from the article's words: supercrystal (sp/cs), core"),
    "worksheet": ("worksheet_cmds", "classroom worksheet on the article's argument; --answers prints the computed key"),
    "serve": ("serve_cmds", "serve the dashboard with Panel (embedded default data)"),
    "export": ("export_cmds", "write a self-contained offline site: dashboard (sp/cs embedded) + executed "
                              "notebooks"),
}


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (``ti10cu2 tauc: error: … Fix: …``) with exit status 2, like
    every other error of the command line; ``--help`` still shows the full usage."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}. Fix: see '{self.prog} --help'.\n")


def register_module(subparsers: argparse._SubParsersAction, module_name: str) -> list[str]:
    """Import ``ti10cu2_lib.commands.<module_name>`` and register its subcommands; returns their names."""
    before = set(subparsers.choices)
    importlib.import_module(f"ti10cu2_lib.commands.{module_name}").register(subparsers)
    added = [name for name in subparsers.choices if name not in before]
    for name in added:
        if subparsers.choices[name].description is None and name in COMMANDS:
            subparsers.choices[name].description = COMMANDS[name][1]
    return added


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The argument parser: ``command``'s module fully registered, every other subcommand as a name and summary."""
    parser = OneLineParser(
        prog="ti10cu2",
        description="Analyses of the two {Ti10Cu2} crystal forms (Meng et al., Inorg. Chem. Front. 2023, 10, 5694). "
                    "Every number is printed with its provenance.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    if command in COMMANDS:
        register_module(subparsers, COMMANDS[command][0])
    for name, (_, summary) in COMMANDS.items():
        if name not in subparsers.choices:
            subparsers.add_parser(name, help=summary, description=summary)
    return parser


def _command_in(argv: Sequence[str]) -> str | None:
    """The subcommand named in ``argv`` (the first word that is not an option), if any."""
    return next((arg for arg in argv if not arg.startswith("-")), None)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit status (0 ok, 2 bad input)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_command_in(argv))
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except InputError as exc:
        print(f"ti10cu2 {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. piped into head
        return 0


if __name__ == "__main__":
    sys.exit(main())
