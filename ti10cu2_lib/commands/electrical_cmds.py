"""``ti10cu2 mott-schottky``, ``ti10cu2 conductivity`` and ``ti10cu2 bands``."""

from __future__ import annotations

import argparse
import math
import re

from ti10cu2_lib.analysis.band_edges import BAND_EDGE_CAVEATS, COUPLES_SOURCE, REDOX_COUPLES, BandEdges, band_edges
from ti10cu2_lib.analysis.conductivity import DEFAULT_GEOMETRY_RELATIVE_UNCERTAINTY, analyse_iv
from ti10cu2_lib.analysis.electrodes import REFERENCES
from ti10cu2_lib.analysis.mott_schottky import ROOM_TEMPERATURE_K, analyse_mott_schottky
from ti10cu2_lib.analysis.tauc import TAUC_EXPONENT_N, analyse_tauc
from ti10cu2_lib.analysis.transport import (
    ASSUMED_ELECTRODE_AREA_CM2,
    ASSUMED_PERMITTIVITY,
    mean_carrier_density_per_m3,
    transport_check,
)
from ti10cu2_lib.commands.common import (
    add_input_args,
    add_json_flag,
    emit,
    finite_float,
    format_table,
    input_dataset,
    number_in,
    parse_range,
    parse_units,
    positive_float,
)
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.provenance import Origin, Provenance
from ti10cu2_lib.data import datasets
from ti10cu2_lib.data.readers import read_dataset
from ti10cu2_lib.present.numbers import rounded, rounded_cells, rounded_range, uncertainty_text

#: A relative uncertainty: 0 ≤ u < 1.
relative_uncertainty = number_in(0, 1, high_open=True)
_WINDOW_EXAMPLE = "-0.6,-0.3 (in V vs the reference of the potentials)"


def _mott_schottky(args: argparse.Namespace) -> int:
    if args.file and not args.reference:
        raise InputError("the reference electrode of the potentials is not known", path=args.file,
                         fix=f"pass --reference ({'|'.join(REFERENCES)}; RHE also needs --pH)")
    dataset = input_dataset(args)
    window = parse_range(args.window, "--window", _WINDOW_EXAMPLE)
    result = analyse_mott_schottky(dataset, reference=args.reference, pH=args.pH, window_V=window,
                                   kT_correction=args.kT_correction, temperature_K=args.temperature_K,
                                   permittivity=args.permittivity, area_cm2=args.area_cm2)
    payload = {"form": dataset.form, **result.to_dict()}
    rows = [rounded_cells({
        "frequency_Hz": f.frequency_Hz,
        "E_fb_V_vs_NHE": rounded(f.flat_band_V_vs_NHE, math.hypot(f.flat_band_uncertainty_V, f.window_sensitivity_V)),
        "fit_uncertainty_V": uncertainty_text(f.flat_band_uncertainty_V),
        "window_sensitivity_V": uncertainty_text(f.window_sensitivity_V),
        f"window_V_vs_{result.reference_electrode}": f.fit_window_V, "r_squared": f.r_squared,
        f"slope_{f.slope_unit.replace(' ', '_')}": rounded(f.slope, f.slope_uncertainty), "type": f.carrier_type,
        **({"N_cm-3": rounded(f.carrier_density_per_cm3,
                              f.carrier_density_per_cm3 * f.carrier_density_relative_uncertainty)}
           if f.carrier_density_per_cm3 is not None else {})}) for f in result.frequencies]
    rows.append({"frequency_Hz": "mean",
                 "E_fb_V_vs_NHE": rounded(result.flat_band_V_vs_NHE, result.flat_band_uncertainty_V),
                 "fit_uncertainty_V": uncertainty_text(result.flat_band_uncertainty_V), "type": result.carrier_type})
    table = format_table(rows)
    if result.frequency_drift_V is not None:
        table += (f"\nflat-band drift over frequency: {uncertainty_text(result.frequency_drift_V)} V "
                  f"({'beyond' if result.frequency_drift_significant else 'within'} 2 × its combined uncertainty)")
    table += "".join(f"\nwarning: {w}" for w in result.warnings)
    return emit(args, payload, table)


def _conductivity(args: argparse.Namespace) -> int:
    if args.file and (args.length_mm is None or args.area_mm2 is None):
        raise InputError("the crystal length and cross-section are needed for σ = G·L/A", path=args.file,
                         fix="pass --length-mm L and --area-mm2 A")
    dataset = input_dataset(args)
    if args.blank:
        blank = read_dataset(args.blank, "iv_blank", form=dataset.form, units=parse_units(args.units))
    elif not args.file:
        blank = datasets.load(dataset.form or "sp", "iv_blank")
    else:
        blank = None
    result = analyse_iv(dataset, length_mm=args.length_mm, area_mm2=args.area_mm2,
                        length_relative_uncertainty=args.length_rel_uncertainty,
                        area_relative_uncertainty=args.area_rel_uncertainty, blank=blank)
    lin = result.linearity
    rows = [{"quantity": "conductance (S)", "value": rounded(result.conductance_S, result.conductance_uncertainty_S),
             "note": "least-squares I–V slope"},
            {"quantity": "conductivity (S/m)",
             "value": rounded(result.conductivity_S_per_m, result.conductivity_uncertainty_S_per_m),
             "note": f"fit alone ± {uncertainty_text(result.conductivity_fit_uncertainty_S_per_m)}; "
                     f"{result.geometry_assumption}"},
            {"quantity": "R²", "value": rounded(result.r_squared), "note": ""},
            {"quantity": "ohmic", "value": lin.verdict,
             "note": lin.undetermined_reason or f"non-linear part {lin.nonlinear_fraction or 0:.1%}, "
                                                f"p = {lin.nonlinearity_p_value:.2g}"}]
    if result.blank is not None:
        rows.append({"quantity": "signal/blank noise", "value": rounded(result.blank.signal_to_noise),
                     "note": f"slopes differ by {result.blank.slope_difference_sigma:.1f} σ"})
    payload = {"form": dataset.form, **result.to_dict()}
    if not args.file:
        check = _transport(result, dataset.form or "sp")
        payload["transport"] = check
        rows += [{"quantity": "implied mobility (cm²/Vs)", "value": rounded(check.mobility_cm2_per_V_s),
                  "note": f"μ = σ/(n e), n = {rounded(check.carrier_density_per_cm3)} cm⁻³ (Mott–Schottky, "
                          f"ε = {ASSUMED_PERMITTIVITY:g}, A = {ASSUMED_ELECTRODE_AREA_CM2:g} cm² assumed); "
                          f"organic/molecular solids: {rounded_range(check.mobility_range_cm2_per_V_s)}"},
                 {"quantity": f"current of a micro-crystal at {check.bias_V:g} V (A)",
                  "value": rounded(check.crystal_current_A),
                  "note": f"{check.crystal_length_um:g} µm long, {check.crystal_area_um2:g} µm² (assumed); "
                          f"measurable ≳ {rounded(check.measurable_current_A)} A"}]
        table = format_table(rows) + "".join(f"\nwarning: {w}" for w in check.warnings)
        return emit(args, payload, table)
    return emit(args, payload, rows)


def _transport(conductivity, form: str):
    """σ = n·e·μ cross-check with the registered Mott–Schottky data of ``form`` (ε and area as assumed there)."""
    ms = analyse_mott_schottky(datasets.load(form, "mott_schottky"), permittivity=ASSUMED_PERMITTIVITY,
                               area_cm2=ASSUMED_ELECTRODE_AREA_CM2)
    return transport_check(conductivity, mean_carrier_density_per_m3(ms), density_origin=ms.origin,
                           density_assumption=ms.carrier_density_assumption or "", form=form)


def _band_gap(form: str, override: float | None, transition: str | None) -> tuple[float, float | None, Origin]:
    """Band gap (eV), its uncertainty and origin: the option, else a Tauc analysis of the registered DRS data.

    The Tauc exponent is ``transition``, else the DRS dataset's ``transition_assumed`` metadata, else direct
    (the article does not say which it used).
    """
    if override is not None:
        return override, None, Origin(Provenance.USER, f"command line: --band-gap-{form} {override:g} eV")
    drs = datasets.load(form, "drs")
    result = analyse_tauc(drs, transition=transition or drs.metadata.get("transition_assumed", "direct"))
    return result.band_gap_eV, result.band_gap_uncertainty_eV, result.origin


def _flat_band(form: str, override: float | None) -> tuple[float, float | None, Origin]:
    """Flat band (V vs NHE), its uncertainty and origin: the option, else the registered Mott–Schottky data."""
    if override is not None:
        return override, None, Origin(Provenance.USER, f"command line: --flat-band-{form} {override:g} V vs NHE")
    result = analyse_mott_schottky(datasets.load(form, "mott_schottky"))
    return result.flat_band_V_vs_NHE, result.flat_band_uncertainty_V, result.origin


def _margin(edges: BandEdges, product: str) -> str:
    row = next(r for r in edges.feasibility if r.product == product)
    return f"{'yes' if row.allowed else 'no'} ({row.margin_V:+.2f})"


def _bands(args: argparse.Namespace) -> int:
    forms: dict[str, BandEdges] = {}
    for form in datasets.FORMS:
        flat_band, flat_band_u, flat_band_origin = _flat_band(form, getattr(args, f"flat_band_{form}"))
        gap, gap_u, gap_origin = _band_gap(form, getattr(args, f"band_gap_{form}"), args.transition)
        forms[form] = band_edges(flat_band, gap, flat_band_origin=flat_band_origin, band_gap_origin=gap_origin,
                                 offset_V=args.offset, pH=args.pH, flat_band_uncertainty_V=flat_band_u,
                                 band_gap_uncertainty_eV=gap_u, form=form)
    payload = {"forms": {form: edges.to_dict() for form, edges in forms.items()}, "offset_V": args.offset,
               "pH": args.pH, "couples_source": COUPLES_SOURCE,
               "provenance": Origin(Provenance.COMPUTED, "band edges and CO2-reduction feasibility of sp and cs "
                                    "(each form's inputs under forms.<form>.provenance)",
                                    derived_from=tuple(e.origin for e in forms.values()))}
    rows = [{"form": form, "CB_V_vs_NHE": rounded(e.conduction_band_V_vs_NHE, e.conduction_band_uncertainty_V),
             "VB_V_vs_NHE": rounded(e.valence_band_V_vs_NHE, e.valence_band_uncertainty_V),
             **{c.product: _margin(e, c.product) for c in REDOX_COUPLES}} for form, e in forms.items()]
    table = format_table(rows) + "".join(f"\ncaveat: {c}" for c in BAND_EDGE_CAVEATS)
    return emit(args, payload, table)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``mott-schottky``, ``conductivity`` and ``bands`` subcommands."""
    ms = subparsers.add_parser("mott-schottky",
        description="Straight-line fit of 1/C² vs E per frequency (automatic depletion-region window unless "
                    "--window), x-intercept converted to V vs NHE, mean over frequencies.")
    add_input_args(ms, "mott_schottky")
    ms.add_argument("--reference", default=None,
                    help="reference electrode of the potentials: Ag/AgCl (sat. KCl), 'Ag/AgCl (3.5 M KCl)', "
                         "'Ag/AgCl (3 M KCl)', 'Ag/AgCl (1 M KCl)', SCE, NHE, RHE (bare Ag/AgCl = saturated KCl, "
                         "with a warning). Default: the dataset's recorded reference without FILE; required with FILE")
    ms.add_argument("--pH", type=finite_float, default=None, help="electrolyte pH (needed for RHE)")
    ms.add_argument("--kT-correction", dest="kT_correction", action="store_true",
                    help="E_fb = intercept − kT/e (n-type) or + kT/e (p-type); off by default, as in the article")
    ms.add_argument("--temperature-K", dest="temperature_K", type=positive_float, default=ROOM_TEMPERATURE_K,
                    help="temperature for kT/e (default 298.15 K)")
    ms.add_argument("--window", metavar="LO,HI", default=None,
                    help="manual fit window in V vs the reference of the potentials, e.g. --window -0.6,-0.3")
    # let "-0.6,-0.3" be a value rather than an unknown option (argparse only knows plain negative numbers)
    ms._negative_number_matcher = re.compile(r"^-[\d.eE+-]*\d[\d.eE+-]*(,[\d.eE+-]+)?$")
    ms.add_argument("--permittivity", type=positive_float, default=None,
                    help="relative permittivity ε: with --area-cm2 gives the carrier density")
    ms.add_argument("--area-cm2", dest="area_cm2", type=positive_float, default=None,
                    help="electrode area in cm²: 1/C² per unit area, and the carrier density with --permittivity")
    add_json_flag(ms)
    ms.set_defaults(func=_mott_schottky)

    cond = subparsers.add_parser("conductivity",
        description="σ = G·L/A with G the least-squares I–V slope; ohmic check; comparison with a blank sweep.")
    add_input_args(cond, "iv")
    cond.add_argument("--length-mm", dest="length_mm", type=positive_float, default=None,
                      help="crystal length between the contacts in mm (default: the dataset's metadata)")
    cond.add_argument("--area-mm2", dest="area_mm2", type=positive_float, default=None,
                      help="crystal cross-section in mm² (default: the dataset's metadata)")
    cond.add_argument("--length-rel-uncertainty", dest="length_rel_uncertainty", type=relative_uncertainty,
                      default=DEFAULT_GEOMETRY_RELATIVE_UNCERTAINTY,
                      help="relative uncertainty of the length (default 0.2: the article gives no crystal "
                           "dimensions; 0 for measured ones)")
    cond.add_argument("--area-rel-uncertainty", dest="area_rel_uncertainty", type=relative_uncertainty,
                      default=DEFAULT_GEOMETRY_RELATIVE_UNCERTAINTY,
                      help="relative uncertainty of the cross-section (default 0.2, as for the length)")
    cond.add_argument("--blank", metavar="BLANKFILE", default=None,
                      help="I–V sweep without crystal (default without FILE: the registered blank)")
    add_json_flag(cond)
    cond.set_defaults(func=_conductivity)

    bands = subparsers.add_parser("bands",
        description="CB = E_fb + offset (the article: offset 0), VB = CB + Eg; thermodynamic feasibility of the "
                    "CO2-reduction half-reactions. Defaults: E_fb from the registered Mott–Schottky data, "
                    "Eg from a Tauc analysis of the registered DRS data.")
    bands.add_argument("--offset", type=finite_float, default=0.0,
                       help="CB − E_fb in V (common rule for n-type: −0.1…−0.2; the article: 0)")
    bands.add_argument("--pH", type=finite_float, default=7.0, help="pH of the reaction medium (default 7)")
    bands.add_argument("--transition", choices=tuple(TAUC_EXPONENT_N), default=None,
                       help="Tauc exponent for the default band gaps (default: the DRS dataset's assumption, "
                            "else direct; the article does not say)")
    for form in datasets.FORMS:
        bands.add_argument(f"--band-gap-{form}", dest=f"band_gap_{form}", type=positive_float, default=None,
                           metavar="EV",
                           help=f"band gap of {form} in eV (default: Tauc analysis of the registered DRS data)")
        bands.add_argument(f"--flat-band-{form}", dest=f"flat_band_{form}", type=finite_float, default=None,
                           metavar="V",
                           help=f"flat band of {form} in V vs NHE (default: from the registered Mott–Schottky data)")
    add_json_flag(bands)
    bands.set_defaults(func=_bands)
