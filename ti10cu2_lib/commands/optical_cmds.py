"""``ti10cu2 uvvis`` (band maxima in CHCl3) and ``ti10cu2 tauc`` (band gap from diffuse reflectance)."""

from __future__ import annotations

import argparse

from ti10cu2_lib.analysis.tauc import METHODS, TAUC_EXPONENT_N, analyse_tauc
from ti10cu2_lib.analysis.uvvis import analyse_uvvis
from ti10cu2_lib.commands import common
from ti10cu2_lib.present.numbers import rounded, rounded_range, uncertainty_text


def _uvvis(args: argparse.Namespace) -> int:
    dataset = common.input_dataset(args)
    result = analyse_uvvis(dataset, deconvolve_bands=args.deconvolve)
    rows = [{"band": k + 1, "wavelength_nm": rounded(nm, d_nm), "energy_eV": rounded(ev, d_ev),
             "height": rounded(h), **({"fwhm_eV": rounded(result.fwhm_eV[k])} if result.fwhm_eV else {})}
            for k, (nm, d_nm, ev, d_ev, h) in enumerate(zip(result.peaks_nm, result.peaks_uncertainty_nm,
                                                             result.peaks_eV, result.peaks_uncertainty_eV,
                                                             result.heights, strict=True))]
    table = common.format_table(rows) + f"\nmethod: {result.method}"
    table += "".join(f"\nwarning: {w}" for w in result.warnings)
    return common.emit(args, {"form": dataset.form, **result.to_dict()}, table)


def _tauc(args: argparse.Namespace) -> int:
    window = common.parse_range(args.window, "--window", "2.3,2.7 (eV)", positive=True)
    baseline_window = common.parse_range(args.baseline_window, "--baseline-window", "2.0,2.5 (eV)", positive=True)
    dataset = common.input_dataset(args)
    result = analyse_tauc(dataset, transition=args.transition, method=args.method, window=window,
                          baseline_window=baseline_window)
    lo, hi = result.fit_window_eV
    rows = [
        {"quantity": "band gap (eV)", "value": rounded(result.band_gap_eV, result.band_gap_uncertainty_eV)},
        {"quantity": "  fit standard error (eV)", "value": uncertainty_text(result.fit_standard_error_eV)},
        {"quantity": "  window spread (eV)", "value": uncertainty_text(result.window_spread_eV)},
        {"quantity": "  method spread (eV)", "value": f"{uncertainty_text(result.method_spread_eV)} (axis vs "
                                                      f"baseline: {len(result.method_variants_eV)} readings)"},
        {"quantity": "  combined", "value": "in quadrature (independent components)"},
        *({"quantity": f"  Eg, {name} (eV)", "value": rounded(value, result.band_gap_uncertainty_eV)}
          for name, value in result.method_variants_eV.items()),
        {"quantity": "fit window (eV)", "value": f"{rounded_range((lo, hi))} ({result.window_selection})"},
        {"quantity": "transition", "value": f"{result.transition} allowed (n = {result.tauc_exponent_n:g})"},
        {"quantity": "crossing", "value": result.method},
        {"quantity": "absorption", "value": result.absorption},
        {"quantity": "R²", "value": rounded(result.r_squared)},
        {"quantity": "linearity", "value": result.linear_quality},
    ]
    table = common.format_table(rows) + "".join(f"\nwarning: {w}" for w in result.warnings)
    return common.emit(args, {"form": dataset.form, **result.to_dict()}, table)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``uvvis`` and ``tauc`` subcommands."""
    uvvis = subparsers.add_parser("uvvis",
        description="Band maxima of a UV-vis absorbance spectrum: local maxima refined by a parabola, or with "
                    "--deconvolve the centres of Gaussian bands in photon energy; each with its standard error.")
    common.add_input_args(uvvis, "uvvis_solution", x_unit=True)
    uvvis.add_argument("--deconvolve", action="store_true",
                       help="fit one Gaussian (in energy) per maximum plus a linear baseline and report their centres")
    common.add_json_flag(uvvis)
    uvvis.set_defaults(func=_uvvis)

    tauc = subparsers.add_parser("tauc",
        description="Band gap from (F(R)·hν)^(1/n) (Kubelka–Munk) or (A·hν)^(1/n) against hν, n = 1/2 direct "
                    "allowed, n = 2 indirect allowed. The fit window is chosen automatically (the straightest stretch "
                    "of the steepest rise) unless --window is given.")
    common.add_input_args(tauc, "drs", x_unit=True, y_kinds=("reflectance", "absorbance"))
    tauc.add_argument("--transition", choices=tuple(TAUC_EXPONENT_N), default="direct",
                      help="Tauc exponent: direct allowed (n = 1/2, default) or indirect allowed (n = 2)")
    tauc.add_argument("--method", choices=METHODS, default="axis",
                      help="where the edge line is read: crossing with the energy axis (default) or with a fit of "
                           "the sub-gap baseline (Makuła et al., J. Phys. Chem. Lett. 2018, 9, 6814)")
    tauc.add_argument("--window", metavar="LO,HI", help="fit window in eV instead of the automatic choice")
    tauc.add_argument("--baseline-window", metavar="LO,HI",
                      help="sub-gap window in eV for --method baseline (default: 0.5 eV ending 0.2 eV below the "
                           "axis crossing)")
    common.add_json_flag(tauc)
    tauc.set_defaults(func=_tauc)
