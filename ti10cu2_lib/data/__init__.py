"""Layer 1, data: the article's numbers (:mod:`.registry`), measurement kinds and :class:`~.kinds.Dataset`,
table and file readers (:mod:`.tables`, :mod:`.readers`, :mod:`.readers_pxrd`) and the dataset store with its
user > deposited > reconstructed resolution (:mod:`.datasets`). Imports only :mod:`ti10cu2_lib.core`."""
