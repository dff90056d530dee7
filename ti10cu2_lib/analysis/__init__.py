"""Layer 2, analysis: one module per measurement of the article, plain functions over datasets or arrays that
return result objects with units, uncertainty and provenance. Imports only :mod:`~ti10cu2_lib.core` and
:mod:`~ti10cu2_lib.data`.

composition, uvvis, tauc (Kubelka–Munk/Tauc band gap), mott_schottky, electrodes (reference conversion),
band_edges, conductivity, photocatalysis (CO2 yields), photocurrent, ir, tga; lack_of_fit is their shared test
of straightness.
"""
