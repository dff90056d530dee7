"""``ti10cu2 pxrd`` (simulated powder pattern, optional comparison with a measured one) and ``ti10cu2 morphology``."""

from __future__ import annotations

import argparse
from typing import Any

from ti10cu2_lib.commands.common import add_json_flag, emit, format_table, provenance_lines
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.data.readers_pxrd import read_powder_pattern
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


def _pxrd(args: argparse.Namespace) -> int:
    po_hkl = parse_hkl(args.po_hkl) if args.po_hkl else None
    if args.po_r is not None and po_hkl is None:
        raise InputError("--po-r needs a direction", fix="add --po-hkl H,K,L")
    kalpha2 = (args.wavelength2, args.kalpha2_ratio) if args.kalpha2_ratio else None
    settings = PxrdSettings(wavelength=args.wavelength, two_theta_min=args.two_theta_min,
                            two_theta_max=args.two_theta_max, step=args.step, fwhm=args.fwhm, eta=args.eta,
                            displacement=_displacement(args.displacement), monochromator_two_theta=args.monochromator,
                            po_hkl=po_hkl, po_r=1.0 if args.po_r is None else args.po_r, kalpha2=kalpha2)
    crystal = load_crystal(args.file, block=args.block)
    pattern = simulate_pxrd(crystal, settings)
    payload: dict[str, Any] = pattern.to_dict()
    comparison = None
    if args.compare:
        observed = read_powder_pattern(args.compare)
        comparison = compare_pattern(
            crystal, observed, wavelength=settings.wavelength, kalpha2=kalpha2, fwhm=settings.fwhm, eta=settings.eta,
            displacement=settings.displacement, monochromator_two_theta=settings.monochromator_two_theta,
            background_degree=args.background_degree, refine_zero=not args.no_zero_shift, po_hkl=po_hkl,
            po_r=settings.po_r, refine_po=args.refine_po, peak_threshold=args.peak_threshold,
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
    if comparison is not None:
        print(f"\ncomparison with {args.compare}: Rwp {comparison.rwp:.2f} % (Rexp {comparison.rexp:.2f} %), "
              f"zero shift {comparison.zero_shift:+.4f}°"
              + (f", March–Dollase r {comparison.po_r:.3f}" if comparison.po_hkl else "")
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
    p.add_argument("--po-r", type=float, default=None, metavar="R", help="March–Dollase r (1 = random)")
    p.add_argument("--compare", metavar="EXPERIMENTAL_FILE", default=None,
                   help="measured pattern: 2θ,intensity text/CSV (.xy/.xye/.csv) or GSAS raw (BANK ... STD/ESD)")
    p.add_argument("--refine-po", action="store_true", help="with --compare: refine the March–Dollase r")
    p.add_argument("--no-zero-shift", action="store_true", help="with --compare: do not refine a zero shift")
    p.add_argument("--background-degree", type=int, default=8, help="Chebyshev background degree (default 8)")
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
