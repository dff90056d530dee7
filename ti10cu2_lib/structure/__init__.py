"""Structure analyses on small-molecule CIFs (gemmi-based): PXRD simulation and comparison, morphology."""
