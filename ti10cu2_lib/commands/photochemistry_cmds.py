"""``ti10cu2 co2`` (CO2-photoreduction rates and electron balance) and ``ti10cu2 photocurrent``."""

from __future__ import annotations

import argparse

from ti10cu2_lib.analysis.composition import cluster_mass_and_ti
from ti10cu2_lib.analysis.photocatalysis import analyse_co2_timecourse
from ti10cu2_lib.analysis.photocurrent import analyse_photocurrent
from ti10cu2_lib.commands.common import (
    add_input_args,
    add_json_flag,
    emit,
    format_table,
    fraction,
    input_dataset,
    parse_numbers,
    positive_int,
)
from ti10cu2_lib.data.registry import default_registry
from ti10cu2_lib.present.numbers import rounded, rounded_cells


def _co2(args: argparse.Namespace) -> int:
    dataset = input_dataset(args)
    mass, ti = cluster_mass_and_ti(dataset.form, default_registry()) if dataset.form else (None, None)
    result = analyse_co2_timecourse(dataset, through_origin=not args.with_intercept, molar_mass_g_per_mol=mass,
                                    ti_per_cluster=ti)
    rows = [rounded_cells({
        "product": name, "rate_umol_per_g_h": rounded(p.rate_umol_per_g_h, p.rate_uncertainty_umol_per_g_h),
        "endpoint_avg_umol_per_g_h": p.average_rate_umol_per_g_h, "final_umol_per_g": p.final_yield_umol_per_g,
        "per_cluster": p.molecules_per_cluster, "e_per_molecule": p.electrons_per_molecule or "-",
        "e_selectivity_%": p.electron_selectivity_percent}) for name, p in result.products.items()]
    rows.append(rounded_cells({
        "product": "electrons",
        "rate_umol_per_g_h": rounded(result.electron_consumption_rate_umol_per_g_h,
                                     result.electron_consumption_rate_uncertainty_umol_per_g_h),
        "endpoint_avg_umol_per_g_h": result.total_electrons_umol_per_g / result.final_time_h
        if result.final_time_h > 0 else None,
        "final_umol_per_g": result.total_electrons_umol_per_g, "per_cluster": result.electrons_per_cluster,
        "e_per_molecule": "-", "e_selectivity_%": 100.0}))
    table = format_table(rows)
    if result.electrons_per_cluster is not None:
        table += (f"\nper cluster (M = {rounded(result.cluster_molar_mass_g_per_mol)} g/mol, "
                  f"{result.final_time_h:g} h): {rounded(result.electrons_per_cluster)} e⁻ per cluster, "
                  f"{rounded(result.electrons_per_ti)} e⁻ per Ti\nnote: {result.turnover_caveat}")
    table += "".join(f"\nwarning: {w}" for w in result.warnings)
    return emit(args, result, table)


def _photocurrent(args: argparse.Namespace) -> int:
    light_on = parse_numbers(args.light_on, "--light-on", "20,60,100 (times in s)")
    light_off = parse_numbers(args.light_off, "--light-off", "40,80,120 (times in s)")
    result = analyse_photocurrent(input_dataset(args), light_on_s=light_on, light_off_s=light_off,
                                  window_points=args.window_points, plateau_fraction=args.plateau_fraction,
                                  starts_dark=not args.starts_lit)
    rows = [rounded_cells({"cycle": i + 1, "on_s": c.on_s, "off_s": c.off_s, "amplitude_A": c.amplitude_A,
                           "rise_tau_s": c.rise_tau_s, "decay_tau_s": c.decay_tau_s})
            for i, c in enumerate(result.cycles)]
    if result.caveat and not args.json:
        print(f"NOTE: {result.caveat}")
    return emit(args, result, rows)


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("co2",
        description="Rates (µmol g⁻¹ h⁻¹) by linear least squares through the origin (standard errors), final "
                    "yields, electrons consumed (CO 2, HCOOH 2, HCHO 4, CH3OH 6, CH4 8, H2 2 e⁻) and "
                    "electron-based selectivity.")
    add_input_args(p, "co2_timecourse")
    p.add_argument("--with-intercept", action="store_true",
                   help="fit yield = rate·t + intercept instead of a line through the origin")
    add_json_flag(p)
    p.set_defaults(func=_co2)

    p = subparsers.add_parser("photocurrent",
        description="Edges are detected from the current (step filter) unless --light-on/--light-off give the "
                    "schedule. The embedded default is ILLUSTRATIVE (the article gives no numbers).")
    add_input_args(p, "photocurrent")
    p.add_argument("--light-on", metavar="T1,T2,...", help="light-on times in s (use with --light-off)")
    p.add_argument("--light-off", metavar="T1,T2,...", help="light-off times in s")
    p.add_argument("--window-points", type=positive_int, default=None,
                   help="step-filter window in samples (default n/100; about 1/4 of the shortest period)")
    p.add_argument("--starts-lit", action="store_true",
                   help="the trace starts with the light on (default: it starts in the dark)")
    p.add_argument("--plateau-fraction", type=fraction, default=0.5,
                   help="fraction at the end of each period averaged for the amplitude (default 0.5)")
    add_json_flag(p)
    p.set_defaults(func=_photocurrent)
