"""The classroom kit: small, clearly labelled example files, one per upload kind, in the formats people export.

``ti10cu2 data examples`` (or :func:`write_examples`) writes them to ``data/examples/``; seeded, so the same files
come out every time. They are **not measured**: each is made from the reconstructions of the article's reported
values (or, for IR and TGA, which the article does not quantify, from stated invented parameters), and each
file says so in its first lines. They exist so that every "Try it" cell and every upload of the dashboard can be
tried without a file of one's own, in the formats that real exports use (``potential_V`` for an I–V voltage,
reflectance in %, a potential vs SCE, a GC time course with H2).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ti10cu2_lib.analysis.composition import composition_of
from ti10cu2_lib.analysis.electrodes import from_nhe, to_nhe
from ti10cu2_lib.analysis.tga import METHANOL_G_PER_MOL
from ti10cu2_lib.core.paths import EXAMPLES_DIR
from ti10cu2_lib.data.registry import Registry, default_registry
from ti10cu2_lib.forward import reconstructors

SEED = 20231101
HEADER = ("# EXAMPLE FILE for teaching - synthetic, made by ti10cu2 (`ti10cu2 data examples`), NOT measured and not "
          "the authors' data.\n")

#: invented parameters of the examples the article gives no numbers for (IR, TGA) and of the H2 in the GC run
TGA_METHANOLS_PER_CLUSTER = 2.0
IR_NU_AS_CM1, IR_NU_S_CM1 = 1562.0, 1412.0  # Δν = 150 cm⁻¹: bridging in the Deacon–Phillips reading
H2_RATE_UMOL_PER_G_H = 4.0


@dataclass(frozen=True)
class Example:
    """One example file: its name, (form, kind), what it shows, and the upload options it needs."""

    filename: str
    form: str
    kind: str
    what: str
    options: dict
    make: Callable[[Registry, np.random.Generator], pd.DataFrame]


def _rng(name: str) -> np.random.Generator:
    return np.random.default_rng([SEED, zlib.crc32(name.encode())])


def _reconstructed(kind: str, form: str, registry: Registry):
    return reconstructors()[kind](form, registry, _rng(f"{kind}-{form}"))


def _iv_potential_fA(registry: Registry, rng: np.random.Generator) -> pd.DataFrame:
    frame = _reconstructed("iv", "cs", registry).frame
    return pd.DataFrame({"potential_V": frame["voltage_V"], "current_fA": frame["current_A"] * 1e15})


def _drs_percent(registry: Registry, rng: np.random.Generator) -> pd.DataFrame:
    frame = _reconstructed("drs", "sp", registry).frame
    return pd.DataFrame({"wavelength_nm": frame["wavelength_nm"], "reflectance_percent": 100 * frame["reflectance"]})


def _ms_vs_sce(registry: Registry, rng: np.random.Generator) -> pd.DataFrame:
    dataset = _reconstructed("mott_schottky", "cs", registry)
    frame = dataset.frame.copy()
    reference = dataset.metadata["reference_electrode"]
    frame["potential_V"] = np.round(from_nhe(to_nhe(frame["potential_V"].to_numpy(), reference), "SCE"), 4)
    return frame


def _co2_with_h2(registry: Registry, rng: np.random.Generator) -> pd.DataFrame:
    frame = _reconstructed("co2_timecourse", "cs", registry).frame.copy()
    h2 = H2_RATE_UMOL_PER_G_H * frame["time_h"] * (1 + 0.03 * rng.standard_normal(len(frame)))
    frame["H2_umol_per_g"] = np.round(np.where(frame["time_h"] > 0, h2, 0.0), 2)
    return frame


def _tga(registry: Registry, rng: np.random.Generator) -> pd.DataFrame:
    sp = composition_of("sp", registry)
    temperature = np.arange(30.0, 800.01, 2.0)
    initial = sp.molar_mass_g_per_mol + TGA_METHANOLS_PER_CLUSTER * METHANOL_G_PER_MOL
    solvent = 100 * TGA_METHANOLS_PER_CLUSTER * METHANOL_G_PER_MOL / initial
    residue = sp.tga_residue_percent * sp.molar_mass_g_per_mol / initial
    burn = 100 - solvent - residue

    def step(centre: float, width: float) -> np.ndarray:
        return 1 / (1 + np.exp(-(temperature - centre) / width))

    mass = 100 - solvent * step(150, 20) - burn * step(420, 12) + 0.02 * rng.standard_normal(temperature.size)
    return pd.DataFrame({"temperature_C": temperature, "mass_percent": np.round(mass, 3)})


def _ir(registry: Registry, rng: np.random.Generator) -> pd.DataFrame:
    wavenumber = np.arange(400.0, 4000.01, 2.0)
    bands = {IR_NU_AS_CM1: 45.0, IR_NU_S_CM1: 35.0, 3060.0: 8.0, 2930.0: 12.0, 1600.0: 15.0, 1250.0: 18.0,
             1040.0: 25.0, 760.0: 20.0, 650.0: 28.0, 480.0: 22.0}
    depth = sum(d * 64.0 / ((wavenumber - c) ** 2 + 64.0) for c, d in bands.items())
    transmittance = 95.0 - depth + 0.2 * rng.standard_normal(wavenumber.size)
    return pd.DataFrame({"wavenumber_cm1": wavenumber, "transmittance_percent": np.round(transmittance, 3)})


EXAMPLES: tuple[Example, ...] = (
    Example("iv_cs_potential_fA.csv", "cs", "iv",
            "I-V of a cs crystal exported as potential_V / current_fA (the cs reconstruction; upload with "
            "L = 0.6 mm, A = 0.0144 mm2)", {"length_mm": 0.6, "area_mm2": 0.0144}, _iv_potential_fA),
    Example("drs_sp_percent.csv", "sp", "drs", "diffuse reflectance of sp in % (the sp reconstruction)", {},
            _drs_percent),
    Example("mott_schottky_cs_vs_SCE.csv", "cs", "mott_schottky",
            "Mott-Schottky data of cs measured vs SCE (the cs reconstruction, potentials converted to SCE; upload "
            "with reference SCE)", {"reference_electrode": "SCE"}, _ms_vs_sce),
    Example("co2_cs_with_H2.csv", "cs", "co2_timecourse",
            f"GC time course of cs with an invented H2 of {H2_RATE_UMOL_PER_G_H:g} umol/g/h (the article reports none)",
            {}, _co2_with_h2),
    Example("tga_sp_2MeOH.csv", "sp", "tga",
            f"TGA of sp holding {TGA_METHANOLS_PER_CLUSTER:g} CH3OH per cluster, burnt to 10 TiO2 + 2 CuO "
            "(invented: the article gives no TGA numbers)", {}, _tga),
    Example("ir_bridging_carboxylate.csv", "sp", "ir",
            f"IR with carboxylate bands at {IR_NU_AS_CM1:g} / {IR_NU_S_CM1:g} cm-1 (invented: the article gives no "
            "IR numbers)", {}, _ir),
)


def write_examples(out_dir: Path = EXAMPLES_DIR, registry: Registry | None = None) -> list[Path]:
    """Write every example file (header comment + CSV) to ``out_dir``; returns their paths."""
    registry = registry or default_registry()
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for example in EXAMPLES:
        frame = example.make(registry, _rng(example.filename))
        text = (HEADER + f"# {example.what}.\n"
                + frame.to_csv(index=False, float_format="%.6g", lineterminator="\n"))
        path = out_dir / example.filename
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
