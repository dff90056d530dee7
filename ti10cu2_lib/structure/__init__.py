"""Structure analyses on small-molecule CIFs (gemmi-based): reading (cif), symmetry codes, bonds, connected
components (topology), coordination, geometry, C–H···π contacts, packing; PXRD simulation and comparison,
morphology."""
