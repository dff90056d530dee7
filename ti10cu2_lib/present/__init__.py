"""Layer 5, presentation: provenance badges and formatted numbers (:mod:`.badges`), HoloViews figures shared by
notebooks and dashboard (:mod:`.figures`, :mod:`.figures_structure`) and the offline 3D viewer
(:mod:`.viewer3d`, its JavaScript vendored by :mod:`._vendor`). Formats results; computes nothing."""
