"""The two crystal forms, the measurement kinds and the :class:`Dataset` that carries one measurement.

This module holds only definitions (no file reading), so the readers (:mod:`.readers`) and the dataset store
(:mod:`.datasets`) can both build on it.

>>> FORMS
('sp', 'cs')
>>> KINDS["iv"].columns
'voltage_V,current_A'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ti10cu2_lib.core.provenance import Origin, Provenance

if TYPE_CHECKING:  # pandas is imported by the readers; a bare definition import stays light (CLI start-up)
    import pandas as pd

FORMS = ("sp", "cs")


@dataclass(frozen=True)
class KindInfo:
    """What a measurement kind is, its canonical columns, and whether an embedded default exists."""

    description: str
    columns: str
    has_default: bool


KINDS: dict[str, KindInfo] = {
    "uvvis_solution": KindInfo("UV-vis absorbance in CHCl3 (Fig. 3)", "wavelength_nm,absorbance", True),
    "drs": KindInfo("UV-vis diffuse reflectance of the solid (Fig. S19)", "wavelength_nm,reflectance", True),
    "mott_schottky": KindInfo("Mott–Schottky capacitance vs potential (Fig. 5a,b)",
                              "potential_V,frequency_Hz,capacitance_F", True),
    "iv": KindInfo("I–V of a single crystal (Fig. 4)", "voltage_V,current_A", True),
    "iv_blank": KindInfo("I–V blank without crystal (Fig. S23)", "voltage_V,current_A", True),
    "co2_timecourse": KindInfo("CO2 photoreduction yields vs time (Fig. 5c,d)",
                               "time_h,CH4_umol_per_g,CO_umol_per_g", True),
    "photocurrent": KindInfo("transient photocurrent, light on/off (Fig. S24)", "time_s,current_A", True),
    "ir": KindInfo("IR spectrum (Fig. S15–S16)", "wavenumber_cm1,transmittance_percent", False),
    "tga": KindInfo("thermogravimetric curve (Fig. S17–S18)", "temperature_C,mass_percent", False),
    "pxrd_experimental": KindInfo("experimental powder pattern (Fig. S13–S14)", "two_theta_deg,intensity", False),
}


@dataclass(frozen=True)
class Dataset:
    """A measurement (or reconstruction) for one form and kind, in canonical columns, with its origin.

    ``metadata`` holds what the analysis needs beyond the table (e.g. ``reference_electrode``, ``length_mm``,
    ``area_mm2``); ``assumptions`` lists the forward-model assumptions of a reconstructed dataset.
    """

    kind: str
    form: str | None
    frame: pd.DataFrame
    origin: Origin
    metadata: Mapping[str, Any] = field(default_factory=dict)
    assumptions: tuple[str, ...] = ()

    @property
    def provenance(self) -> Provenance:
        return self.origin.provenance
