"""ti10cu2: the executable supplement to Meng et al., Inorg. Chem. Front. 2023, 10, 5694.

Layers, bottom to top (imports only point down; see ARCHITECTURE.md):
``core`` → ``data`` → ``analysis`` and ``structure`` → ``forward`` → ``report`` → ``present`` → ``cli``/``commands``
(and the ``dashboard/`` beside the package).
"""
