"""``ti10cu2 ir FILE`` (bands, carboxylate Δν, Ti–O region) and ``ti10cu2 tga FILE`` (steps, residue)."""

from __future__ import annotations

import argparse

from ti10cu2_lib.analysis.composition import composition_of
from ti10cu2_lib.analysis.ir import DEFAULT_IONIC_MARGIN_CM1, analyse_ir
from ti10cu2_lib.analysis.tga import analyse_tga
from ti10cu2_lib.commands.common import (
    add_input_args,
    add_json_flag,
    emit,
    format_table,
    input_dataset,
    non_negative_float,
    positive_float,
)
from ti10cu2_lib.data.kinds import FORMS
from ti10cu2_lib.data.registry import default_registry
from ti10cu2_lib.present.numbers import rounded_cells


def _ir(args: argparse.Namespace) -> int:
    result = analyse_ir(input_dataset(args), ionic_delta_nu_cm1=args.ionic_delta_nu,
                        ionic_margin_cm1=args.ionic_margin, min_prominence=args.min_prominence)
    rows = [{"quantity": "νas(COO⁻) / cm⁻¹", "value": result.nu_as_coo_cm1},
            {"quantity": "νs(COO⁻) / cm⁻¹", "value": result.nu_s_coo_cm1},
            {"quantity": "Δν / cm⁻¹", "value": result.delta_nu_cm1},
            {"quantity": "mode (Deacon–Phillips, Δν alone)", "value": result.coordination_mode},
            {"quantity": "mode vs ionic reference", "value": result.coordination_mode_vs_ionic or "-"},
            {"quantity": "Ti–O bands / cm⁻¹", "value": [b.wavenumber_cm1 for b in result.ti_o_bands]},
            {"quantity": "all bands / cm⁻¹", "value": [b.wavenumber_cm1 for b in result.bands]}]
    return emit(args, result, [rounded_cells(row) for row in rows])


def _tga(args: argparse.Namespace) -> int:
    registry = default_registry()
    forms = [args.form] if args.form else list(FORMS)
    result = analyse_tga(input_dataset(args), {form: composition_of(form, registry) for form in forms},
                         solvent_loss_end_C=registry.value("tga_solvent_loss_end"), smoothing_C=args.smoothing_C)
    steps = format_table([rounded_cells({"start_C": s.start_C, "peak_C": s.peak_C, "end_C": s.end_C,
                                         "loss_percent": s.mass_loss_percent}) for s in result.steps])
    residue = format_table([rounded_cells({"form": c.form, "residue_percent": result.residue_percent,
                                           "theory_percent": c.theoretical_residue_percent,
                                           f"loss<{result.solvent_loss_end_C:g}C_g_per_mol":
                                               c.loss_below_solvent_end_g_per_mol,
                                           "MeOH_equiv": c.loss_below_solvent_end_methanol_equivalents})
                            for c in result.comparisons])
    return emit(args, result, f"{steps}\n\n{residue}")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("ir",
        description="Bands by prominence; νas(COO⁻) in 1510–1650 and νs(COO⁻) in 1360–1450 cm⁻¹; coordination "
                    "mode from Δν (Deacon & Phillips, Coord. Chem. Rev. 1980, 33, 227). No embedded default: "
                    "the article gives no IR numbers.")
    add_input_args(p, "ir", y_kinds=("transmittance", "absorbance"))
    p.add_argument("--ionic-delta-nu", type=positive_float, default=None, metavar="CM1",
                   help="Δν of the ionic carboxylate (e.g. its sodium salt) for the comparative reading")
    p.add_argument("--ionic-margin", type=non_negative_float, default=DEFAULT_IONIC_MARGIN_CM1, metavar="CM1",
                   help="how far from the ionic Δν counts as 'well above/below' "
                        f"(default {DEFAULT_IONIC_MARGIN_CM1:g})")
    p.add_argument("--min-prominence", type=positive_float, default=None,
                   help="minimum band prominence in the signal's unit (default: max(2 %% of its range, 8 × noise σ))")
    add_json_flag(p)
    p.set_defaults(func=_ir)

    p = subparsers.add_parser("tga",
        description="Compares the residue with the oxide residue of the formula of --form (both forms when "
                    "omitted). No embedded default: the article gives no TGA numbers.")
    add_input_args(p, "tga")
    p.add_argument("--smoothing-C", type=positive_float, default=10.0, help="DTG smoothing window in °C (default 10)")
    add_json_flag(p)
    p.set_defaults(func=_tga)
