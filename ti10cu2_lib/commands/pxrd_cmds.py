"""``ti10cu2 pxrd`` (simulated powder pattern, optional comparison with a measured one) and ``ti10cu2 morphology``."""

from __future__ import annotations

import argparse
import math
from typing import Any

from ti10cu2_lib.commands.common import add_json_flag, emit, format_table, provenance_lines
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.core.rounding import format_with_uncertainty
from ti10cu2_lib.data.readers_pxrd import InstrumentParameters, read_gsas_instrument, read_powder_pattern
from ti10cu2_lib.structure.morphology import NEEDLE_THRESHOLD, PLATE_THRESHOLD, bfdh_from_cif
from ti10cu2_lib.structure.pxrd import (
    CU_KA1,
    CU_KA2,
    MAX_ATOMS_PER_CELL,
    MAX_REFLECTIONS,
    PxrdSettings,
    load_crystal,
    simulate_pxrd,
)
from ti10cu2_lib.structure.pxrd_compare import compare_pattern
from ti10cu2_lib.structure.pxrd_refine import ProfileRefinement, ProfileStart, refine_profile


def parse_uvw(text: str) -> tuple[float, float, float]:
    """``"0,0,1"`` (or ``"1 0 -0.5"``) → ``(0.0, 0.0, 1.0)``: a real-space axis for --po-uvw."""
    try:
        values = tuple(float(p) for p in text.replace(",", " ").split())
    except ValueError:
        values = ()
    if len(values) != 3 or not any(values):
        raise InputError(f"--po-uvw '{text}' is not three numbers U,V,W (not all zero)",
                         fix="write e.g. --po-uvw 0,0,1")
    return values  # type: ignore[return-value]


def monochromator_from_polarisation(pola: float | None) -> float | None:
    """GSAS-II's polarisation P (I ∝ P + (1 − P) cos² 2θ) as the equivalent coplanar monochromator 2θ_M (degrees):
    cos² 2θ_M = (1 − P)/P. None for P = 0.5 (unpolarised, K = 1) or no P.

    >>> round(monochromator_from_polarisation(0.7), 2)
    49.11
    """
    if pola is None or abs(pola - 0.5) < 1e-9:
        return None
    if not 0.5 < pola <= 1.0:
        raise InputError(f"polarisation {pola:g} outside 0.5–1", fix="check the instrument file (POLA)")
    return math.degrees(math.acos(math.sqrt((1.0 - pola) / pola)))


def parse_hkl(text: str) -> tuple[int, int, int]:
    """``"0,0,1"`` (or ``"0 0 1"``) → ``(0, 0, 1)``."""
    parts = text.replace(",", " ").split()
    try:
        values = tuple(int(p) for p in parts)
    except ValueError:
        values = ()
    if len(values) != 3 or values == (0, 0, 0):
        raise InputError(f"--po-hkl '{text}' is not three integers H,K,L (not all zero)",
                         fix="write e.g. --po-hkl 0,0,1")
    return values  # type: ignore[return-value]


def _displacement(text: str) -> str | float:
    if text in ("cif", "none"):
        return text
    try:
        return float(text)
    except ValueError:
        raise InputError(f"--displacement '{text}' is not 'cif', 'none' or a U_iso in Å²",
                         fix="write e.g. --displacement 0.05") from None


def _kalpha2(args: argparse.Namespace, inst: InstrumentParameters | None) -> tuple[float, float] | None:
    """(λ₂, ratio): --kalpha2-ratio if given (0 = none); else the instrument file's; else, for a profile
    refinement with Cu Kα1, Cu Kα2 with ratio 0.5."""
    if args.kalpha2_ratio is not None:
        return (args.wavelength2, args.kalpha2_ratio) if args.kalpha2_ratio > 0 else None
    if inst is not None:
        return (inst.wavelength2, inst.kalpha2_ratio) if inst.wavelength2 else None
    if args.refine_profile and args.wavelength == CU_KA1:
        return CU_KA2, 0.5
    return None


def _pxrd(args: argparse.Namespace) -> int:
    po_hkl = parse_hkl(args.po_hkl) if args.po_hkl else None
    po_uvw = parse_uvw(args.po_uvw) if args.po_uvw else None
    if po_hkl is not None and po_uvw is not None:
        raise InputError("--po-hkl and --po-uvw both given", fix="give one preferred-orientation direction")
    if args.po_r is not None and po_hkl is None and po_uvw is None:
        raise InputError("--po-r needs a direction", fix="add --po-hkl H,K,L or --po-uvw U,V,W")
    if (args.refine_profile or args.instrument) and not args.compare:
        raise InputError("--refine-profile and --instrument need a measured pattern", fix="add --compare FILE")
    inst = read_gsas_instrument(args.instrument) if args.instrument else None
    wavelength = inst.wavelength if inst is not None else args.wavelength
    kalpha2 = _kalpha2(args, inst)
    monochromator = (args.monochromator if args.monochromator is not None or inst is None
                     else monochromator_from_polarisation(inst.polarisation))
    settings = PxrdSettings(wavelength=wavelength, two_theta_min=args.two_theta_min,
                            two_theta_max=args.two_theta_max, step=args.step, fwhm=args.fwhm, eta=args.eta,
                            displacement=_displacement(args.displacement), monochromator_two_theta=monochromator,
                            po_hkl=po_hkl, po_uvw=po_uvw, po_r=1.0 if args.po_r is None else args.po_r,
                            kalpha2=kalpha2)
    crystal = load_crystal(args.file, block=args.block)
    pattern = simulate_pxrd(crystal, settings)
    payload: dict[str, Any] = pattern.to_dict()
    comparison = None
    if args.compare and args.refine_profile:
        observed = read_powder_pattern(args.compare)
        start = ProfileStart() if inst is None or inst.w_deg2 is None else ProfileStart(
            u_deg2=inst.u_deg2 or 0.0, v_deg2=inst.v_deg2 or 0.0, w_deg2=inst.w_deg2,
            x_deg=max(inst.x_deg or 0.0, 0.01), y_deg=inst.y_deg or 0.0, zero_deg=inst.zero_deg)
        comparison = refine_profile(
            crystal, observed, wavelength=settings.wavelength, kalpha2=kalpha2,
            monochromator_two_theta=monochromator, displacement=settings.displacement, start=start,
            background_degree=args.background_degree if args.background_degree is not None else 12,
            refine_cell=not args.fix_cell, refine_asymmetry=not args.no_asymmetry, po_hkl=po_hkl, po_uvw=po_uvw,
            refine_po=args.refine_po, peak_threshold=args.purity_threshold)
        payload["comparison"] = comparison.to_dict()
        if inst is not None:
            payload["comparison"]["instrument"] = inst.source
    elif args.compare:
        observed = read_powder_pattern(args.compare)
        comparison = compare_pattern(
            crystal, observed, wavelength=settings.wavelength, kalpha2=kalpha2, fwhm=settings.fwhm, eta=settings.eta,
            displacement=settings.displacement, monochromator_two_theta=settings.monochromator_two_theta,
            background_degree=args.background_degree if args.background_degree is not None else 8,
            refine_zero=not args.no_zero_shift, po_hkl=po_hkl, po_uvw=po_uvw, po_r=settings.po_r,
            refine_po=args.refine_po, peak_threshold=args.peak_threshold,
            match_tolerance=args.match_tolerance)
        payload["comparison"] = comparison.to_dict()
    if args.json:
        return emit(args, payload)
    rows = [{"h": p["h"], "k": p["k"], "l": p["l"], "2theta_deg": round(p["two_theta"], 4), "d_A": round(p["d"], 4),
             "mult": p["multiplicity"], "I_rel": round(p["intensity"], 2)}
            for p in pattern.peaks(min_intensity=args.min_intensity)]
    print(f"{crystal.name}: {crystal.spacegroup}, {crystal.n_atoms_cell} atoms/cell; λ = {settings.wavelength:g} Å, "
          f"2θ ≤ {settings.two_theta_max:g}°; reflections with I ≥ {args.min_intensity:g} (strongest = 100)")
    print(format_table(rows))
    for key, text in pattern.conventions.items():
        print(f"{key}: {text}")
    if isinstance(comparison, ProfileRefinement):
        _print_refinement(comparison, args.compare)
    elif comparison is not None:
        print(f"\ncomparison with {args.compare}: Rwp {comparison.rwp:.2f} % (Rexp {comparison.rexp:.2f} %), "
              f"zero shift {comparison.zero_shift:+.4f}°"
              + (f", March–Dollase r {comparison.po_r:.3f}" if comparison.po_hkl or comparison.po_uvw else "")
              + f"; {comparison.n_matched}/{len(comparison.matches)} observed peaks ≥ "
                f"{100 * comparison.peak_threshold:g} % matched within {comparison.match_tolerance:g}°")
        print(format_table([{"2theta_obs": round(m["two_theta_obs"], 3),
                             "I_obs_rel": round(m["relative_height_obs"], 3),
                             "hkl": f"{m.get('h', '')} {m.get('k', '')} {m.get('l', '')}", "line": m.get("line", ""),
                             "2theta_calc": round(m.get("two_theta_calc", float("nan")), 3),
                             "delta": round(m.get("delta", float("nan")), 3), "matched": m["matched"]}
                            for m in comparison.matches]))
    for line in provenance_lines(payload):
        print(line)
    return 0


def _print_refinement(result: ProfileRefinement, source: str) -> None:
    """Text report of a profile refinement: R factors, parameters rounded to their uncertainties, purity."""
    print(f"\nprofile refinement against {source} ({result.n_points} points, "
          f"{result.two_theta_range[0]:g}–{result.two_theta_range[1]:g}° 2θ, {result.n_parameters} parameters): "
          f"Rwp {result.rwp:.2f} %, Rp {result.rp:.2f} %, Rexp {result.rexp:.2f} %, "
          f"χ²_ν {result.chi2_reduced:.3g} (computed)")
    names = ("a", "b", "c", "alpha", "beta", "gamma")
    cell = ", ".join(f"{n} = {format_with_uncertainty(v, e or None)}" for n, v, e in
                     zip(names, result.cell, result.cell_esd, strict=True))
    print(f"refined cell ({result.crystal_system}): {cell}")
    rows = [{"parameter": name, "value": format_with_uncertainty(item["value"], item["esd"]),
             "unit": item["unit"], "refined": item["refined"]}
            for name, item in result.parameters.items() if name not in names]
    print(format_table(rows))
    print("uncertainties: least-squares esd (× √χ²_ν), lower bounds")
    print(f"phase purity: {result.verdict}")
    if result.unexplained_peaks:
        print(format_table([{"2theta_obs": round(q["two_theta_obs"], 3),
                             "I_obs_rel": round(q["relative_height_obs"], 3),
                             "explained_fraction": round(q["explained_fraction"], 2)}
                            for q in result.unexplained_peaks]))


def _morphology(args: argparse.Namespace) -> int:
    result = bfdh_from_cif(args.file, block=args.block, max_index=args.max_index)
    payload = result.to_dict()
    payload["leading_forms"] = [f["hkl"] for f in payload["forms"] if f["on_habit"]][: args.top]
    if args.json:
        return emit(args, payload)
    print(f"BFDH morphology, {result.space_group}, cell {', '.join(f'{v:g}' for v in result.cell)}")
    print(f"habit: {result.habit} (elongation L1/L2 = {result.elongation:.2f}, flatness L2/L3 = {result.flatness:.2f}, "
          f"aspect ratio L1/L3 = {result.aspect_ratio:.2f}; thresholds: needle if L1/L2 ≥ {NEEDLE_THRESHOLD:g}, "
          f"plate if L2/L3 ≥ {PLATE_THRESHOLD:g})")
    rows = [{"hkl": " ".join(str(v) for v in f.hkl), "d_A": round(f.d, 4),
             "rel_growth_rate": round(f.relative_growth_rate, 3), "faces": f.multiplicity,
             "area_%": round(100 * f.area_fraction, 1)}
            for f in result.forms[: args.top]]
    print(format_table(rows))
    for line in provenance_lines(payload):
        print(line)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("pxrd",
        description="Simulated PXRD as Mercury does by default (pseudo-Voigt, FWHM 0.1° 2θ, laboratory "
                    "Lorentz–polarisation, no absorption, no background); every convention is printed. "
                    f"Limits: {MAX_ATOMS_PER_CELL:,} atoms per cell, {MAX_REFLECTIONS:,} reflections in the 2θ "
                    "range (exit code 2 beyond).")
    p.add_argument("file", metavar="FILE", help="CIF file")
    p.add_argument("--block", help="data block name in a multi-block CIF")
    p.add_argument("--wavelength", type=float, default=CU_KA1, help="Å (default Cu Kα1 1.540562)")
    p.add_argument("--two-theta-min", type=float, default=5.0, help="degrees (default 5)")
    p.add_argument("--two-theta-max", type=float, default=50.0, help="degrees (default 50)")
    p.add_argument("--step", type=float, default=0.02, help="pattern step, degrees (default 0.02)")
    p.add_argument("--fwhm", type=float, default=0.1, help="peak FWHM, degrees 2θ (default 0.1, as Mercury)")
    p.add_argument("--eta", type=float, default=0.5, help="pseudo-Voigt Lorentzian fraction (default 0.5)")
    p.add_argument("--displacement", default="cif",
                   help="Debye–Waller: 'cif' (U from the CIF, default), 'none', or a fixed U_iso in Å²")
    p.add_argument("--monochromator", type=float, default=None, metavar="DEG",
                   help="monochromator 2θ_M for the polarisation factor (default: none)")
    p.add_argument("--kalpha2-ratio", type=float, default=None, metavar="R",
                   help="add a Kα2 line with this intensity ratio (e.g. 0.5)")
    p.add_argument("--wavelength2", type=float, default=CU_KA2, help="Kα2 wavelength, Å (default Cu 1.54439)")
    p.add_argument("--po-hkl", default=None, metavar="H,K,L", help="March–Dollase preferred-orientation direction")
    p.add_argument("--po-uvw", default=None, metavar="U,V,W",
                   help="March–Dollase direction as a real-space (needle) axis [u v w], converted to the reciprocal "
                        "direction G·uvw (not the same as --po-hkl U,V,W for oblique cells)")
    p.add_argument("--po-r", type=float, default=None, metavar="R", help="March–Dollase r (1 = random)")
    p.add_argument("--compare", metavar="EXPERIMENTAL_FILE", default=None,
                   help="measured pattern: 2θ,intensity text/CSV (.xy/.xye/.csv) or GSAS raw (BANK ... STD/ESD)")
    p.add_argument("--refine-po", action="store_true", help="with --compare: refine the March–Dollase r")
    p.add_argument("--no-zero-shift", action="store_true", help="with --compare: do not refine a zero shift")
    p.add_argument("--background-degree", type=int, default=None,
                   help="Chebyshev background degree (default 8; 12 with --refine-profile)")
    p.add_argument("--refine-profile", action="store_true",
                   help="with --compare: profile refinement (TCH pseudo-Voigt U, V, W, X, Y, asymmetry, zero, cell, "
                        "overall ΔU, Kα2) and a phase-purity check")
    p.add_argument("--instrument", metavar="PRM", default=None,
                   help="with --refine-profile: GSAS instrument file (wavelengths, Kα2 ratio, polarisation, profile "
                        "start values)")
    p.add_argument("--fix-cell", action="store_true", help="with --refine-profile: keep the CIF's cell")
    p.add_argument("--no-asymmetry", action="store_true", help="with --refine-profile: no peak asymmetry")
    p.add_argument("--purity-threshold", type=float, default=0.02,
                   help="with --refine-profile: observed peaks above this fraction of the highest are checked "
                        "(default 0.02)")
    p.add_argument("--peak-threshold", type=float, default=0.10,
                   help="observed peaks above this fraction of the highest are matched (default 0.10)")
    p.add_argument("--match-tolerance", type=float, default=0.10, help="degrees 2θ (default 0.1)")
    p.add_argument("--min-intensity", type=float, default=1.0, help="table only: hide reflections below this")
    add_json_flag(p)
    p.set_defaults(func=_pxrd)

    m = subparsers.add_parser("morphology",
                              description="Bravais–Friedel–Donnay–Harker morphology from the cell and space group: "
                                          "reflection conditions applied, growth rate ∝ 1/d.")
    m.add_argument("file", metavar="FILE", help="CIF file")
    m.add_argument("--block", help="data block name in a multi-block CIF")
    m.add_argument("--max-index", type=int, default=3, help="largest |h|,|k|,|l| of candidate faces (default 3)")
    m.add_argument("--top", type=int, default=12, help="forms listed in the table (default 12)")
    add_json_flag(m)
    m.set_defaults(func=_morphology)
