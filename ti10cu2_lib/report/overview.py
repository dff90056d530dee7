"""Every property analysis of one form, run on the datasets in use (user > deposited > reconstructed).

The one place where the per-form analyses are chained (e.g. band edges from the Mott–Schottky flat band and the
Tauc band gap), shared by the claims check, the notebooks and the dashboard. Missing or invalid data do not stop
the rest: the problem is recorded per kind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ti10cu2_lib.analysis.band_edges import BandEdges, band_edges
from ti10cu2_lib.analysis.composition import CompositionResult, cluster_mass_and_ti, composition_of
from ti10cu2_lib.analysis.conductivity import ConductivityResult, analyse_iv
from ti10cu2_lib.analysis.ir import IRResult, analyse_ir
from ti10cu2_lib.analysis.mott_schottky import MottSchottkyResult, analyse_mott_schottky
from ti10cu2_lib.analysis.photocatalysis import CO2ReductionResult, analyse_co2_timecourse
from ti10cu2_lib.analysis.photocurrent import PhotocurrentResult, analyse_photocurrent
from ti10cu2_lib.analysis.tauc import TaucResult, analyse_tauc
from ti10cu2_lib.analysis.tga import TGAResult, analyse_tga
from ti10cu2_lib.analysis.transport import TransportCheck, analyse_transport
from ti10cu2_lib.analysis.uvvis import UVVisResult, analyse_uvvis
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.data import datasets
from ti10cu2_lib.data.kinds import Dataset
from ti10cu2_lib.data.registry import Registry, default_registry
from ti10cu2_lib.structure.cif import load_cif
from ti10cu2_lib.structure.reported_geometry import StructuralNumbers, structural_numbers

PROPERTY_KINDS = ("uvvis_solution", "drs", "mott_schottky", "iv", "iv_blank", "co2_timecourse", "photocurrent", "ir",
                  "tga")


@dataclass(frozen=True)
class TaucOptions:
    """Choices of the Tauc analysis (the article states none of them)."""

    transition: str = "direct"
    method: str = "axis"
    window_eV: tuple[float, float] | None = None


@dataclass(frozen=True)
class FormAnalysis:
    """All property results of one form; ``problems`` maps a data kind to why it could not be analysed."""

    form: str
    composition: CompositionResult
    datasets: Mapping[str, Dataset]
    uvvis: UVVisResult | None = None
    tauc: TaucResult | None = None
    mott_schottky: MottSchottkyResult | None = None
    bands: BandEdges | None = None
    conductivity: ConductivityResult | None = None
    transport: TransportCheck | None = None  # σ = n·e·μ cross-check (n with the assumed ε and electrode area)
    co2: CO2ReductionResult | None = None
    photocurrent: PhotocurrentResult | None = None
    ir: IRResult | None = None
    tga: TGAResult | None = None
    structure: StructuralNumbers | None = None
    problems: Mapping[str, str] = field(default_factory=dict)


def form_datasets(form: str, kinds: tuple[str, ...] = PROPERTY_KINDS) -> tuple[dict[str, Dataset], dict[str, str]]:
    """The datasets in use for ``form`` and, for kinds that could not be loaded, the reason."""
    found: dict[str, Dataset] = {}
    problems: dict[str, str] = {}
    for kind in kinds:
        try:
            found[kind] = datasets.load(form, kind)
        except InputError as exc:
            problems[kind] = str(exc)
    return found, problems


def analyse_form(form: str, data: Mapping[str, Dataset] | None = None, *, tauc: TaucOptions = TaucOptions(),
                 band_offset_V: float = 0.0, registry: Registry | None = None) -> FormAnalysis:
    """Run every property analysis of ``form`` on ``data`` (default: the datasets in use)."""
    registry = registry or default_registry()
    problems: dict[str, str] = {}
    if data is None:
        data, problems = form_datasets(form)
    results: dict[str, object] = {}

    def attempt(name: str, kind: str, run) -> None:
        if kind not in data:
            return
        try:
            results[name] = _analysed(data[kind], run)
        except InputError as exc:
            problems[kind] = str(exc)

    attempt("uvvis", "uvvis_solution", analyse_uvvis)
    attempt("tauc", "drs", lambda d: analyse_tauc(d, transition=tauc.transition, method=tauc.method,
                                                   window=tauc.window_eV))
    attempt("mott_schottky", "mott_schottky", analyse_mott_schottky)
    attempt("conductivity", "iv", lambda d: analyse_iv(d, blank=data.get("iv_blank")))
    mass, ti = cluster_mass_and_ti(form, registry)
    attempt("co2", "co2_timecourse", lambda d: analyse_co2_timecourse(d, molar_mass_g_per_mol=mass, ti_per_cluster=ti))
    attempt("photocurrent", "photocurrent", analyse_photocurrent)
    attempt("ir", "ir", analyse_ir)
    attempt("tga", "tga", lambda d: tga_for_form(d, form, registry))
    if "iv" in data and "mott_schottky" in data:
        try:
            results["transport"] = _analysed(data["iv"], lambda d: analyse_transport(
                d, data["mott_schottky"], blank=data.get("iv_blank")))
        except InputError as exc:
            problems["transport"] = str(exc)
    ms, gap = results.get("mott_schottky"), results.get("tauc")
    if ms is not None and gap is not None:
        results["bands"] = band_edges(ms.flat_band_V_vs_NHE, gap.band_gap_eV, flat_band_origin=ms.origin,
                                      band_gap_origin=gap.origin, offset_V=band_offset_V,
                                      flat_band_uncertainty_V=ms.flat_band_uncertainty_V,
                                      band_gap_uncertainty_eV=gap.band_gap_uncertainty_eV, form=form)
    deposited = datasets.deposited_structure(form)
    if deposited is not None:
        path, block, origin = deposited
        try:
            results["structure"] = structural_numbers(load_cif(path, block or None, origin=origin))
        except InputError as exc:
            problems["structure"] = str(exc)
    return FormAnalysis(form=form, composition=composition_of(form, registry), datasets=dict(data),
                        problems=problems, **results)


def tga_for_form(dataset: Dataset, form: str | None, registry: Registry | None = None) -> TGAResult:
    """The TGA analysis of ``dataset`` against the printed formula of ``form`` (both forms when None): residue vs
    the oxides of complete combustion, mass lost up to the article's solvent-loss temperature."""
    registry = registry or default_registry()
    forms = [form] if form else ["sp", "cs"]
    return analyse_tga(dataset, {f: composition_of(f, registry) for f in forms},
                       solvent_loss_end_C=registry.value("tga_solvent_loss_end"))


#: The analysis each measurement kind feeds, run with its defaults to check a file before it is registered.
#: The blank I–V and the experimental powder pattern have no analysis of their own: reading them is the check.
KIND_CHECKS: dict[str, Callable[[Dataset], object]] = {
    "uvvis_solution": analyse_uvvis,
    "drs": analyse_tauc,
    "mott_schottky": analyse_mott_schottky,
    "iv": analyse_iv,
    "co2_timecourse": analyse_co2_timecourse,
    "photocurrent": analyse_photocurrent,
    "ir": analyse_ir,
    "tga": lambda d: tga_for_form(d, d.form),
}


def _analysed(dataset: Dataset, run: Callable[[Dataset], object], path: str | Path | None = None) -> object:
    """``run(dataset)``, with a numerical failure on this file (an overflow, a singular fit) as an InputError."""
    try:
        return run(dataset)
    except InputError:
        raise
    except (ArithmeticError, ValueError, np.linalg.LinAlgError) as exc:
        raise InputError(f"the {dataset.kind} analysis fails on this file ({type(exc).__name__}: "
                         f"{str(exc)[:80]})", path=path, fix="check the values and units of the file") from None


def check_dataset(dataset: Dataset, path: str | Path | None = None) -> None:
    """Run the analysis that ``dataset``'s kind feeds (``path``: the file, named in the error); raises
    :class:`InputError` when it cannot be analysed cleanly, so that such a file is never registered or used."""
    check = KIND_CHECKS.get(dataset.kind)
    if check is not None:
        _analysed(dataset, check, path)
