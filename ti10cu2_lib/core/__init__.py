"""Layer 0, used by every other layer: errors, provenance, result objects and the project's paths.

Nothing here imports pandas, scipy or any plotting library.
"""
