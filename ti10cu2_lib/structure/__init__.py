"""Layer 2, crystal structures (beside :mod:`ti10cu2_lib.analysis`): analyses of any small-molecule CIF with gemmi —
reading (cif), form recognition (recognition), symmetry codes, bonds, connected components (topology),
coordination, geometry, C–H···π contacts, packing; PXRD simulation and comparison, morphology; importing the
authors' CIFs (deposit, fetch). Imports only :mod:`~ti10cu2_lib.core` and :mod:`~ti10cu2_lib.data`."""
