"""Sphinx configuration of the offline book: the executed notebooks as a static site (``make book``).

Built by ``book/build.py``, which stages the sources in ``build/book-src/`` (never executing in ``notebooks/``) and
passes the folders below through environment variables. Everything the pages load comes from the site folder:
widget JavaScript vendored by ``ti10cu2_lib/present/_vendor_book.py``, MathJax from ``jupyter_server_mathjax``.
"""

from __future__ import annotations

import os
from pathlib import Path

ARTICLE = ('L.-C. Meng, Z.-M. Feng, Z.-G. Jiang, C.-H. Zhan, "A surface-dynamic approach toward supercrystal '
           'engineering of titanium–oxo clusters", <i>Inorg. Chem. Front.</i>, 2023, <b>10</b>, 5694')
DOI = "10.1039/d3qi01334k"
HERE = Path(__file__).resolve().parent
VENDOR_STATIC = Path(os.environ["TI10CU2_BOOK_STATIC"])
VENDOR_ROOT = Path(os.environ["TI10CU2_BOOK_ROOT"])
EXTRA = Path(os.environ["TI10CU2_BOOK_EXTRA"])

project = "ti10cu2 — executable supplement"
author = "the ti10cu2 contributors"
copyright = "the ti10cu2 contributors; the article © its authors"
html_title = "{Ti10Cu2} supercrystals — executable supplement"
extensions = ["myst_nb"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
myst_enable_extensions = ["dollarmath", "colon_fence"]
smartquotes = False  # titles and text exactly as the notebooks write them

# execution: every notebook from a clean kernel, in the staging folder (build/book-src), never in notebooks/
nb_execution_mode = "force"
nb_execution_timeout = int(os.environ.get("TI10CU2_BOOK_TIMEOUT", "600"))
nb_execution_allow_errors = False
nb_execution_raise_on_error = False  # a failing notebook is shown up to its error and listed in the report
nb_merge_streams = True

# widgets replayed from their saved state: local require.js, then our loader, which inflates nglview's module and
# the html-manager's embed-amd.js (stored compressed by book/build.py) and starts them
nb_ipywidgets_js = {"require.js": {}, "ti10cu2-widgets.js": {}}
mathjax_path = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"
# MathJax 2 as shipped by jupyter_server_mathjax: only the STIX-Web web fonts (as JupyterLab configures it)
mathjax2_config = {
    "HTML-CSS": {"availableFonts": [], "preferredFont": None, "webFont": "STIX-Web", "imageFont": None},
    "tex2jax": {"inlineMath": [["\\(", "\\)"]], "displayMath": [["\\[", "\\]"]], "processEscapes": True,
                "ignoreClass": "document", "processClass": "math|output_area"},
}

html_theme = "sphinx_book_theme"
html_static_path = [str(HERE / "_static"), str(VENDOR_STATIC)]
html_extra_path = [str(VENDOR_ROOT), str(EXTRA)]
html_css_files = ["ti10cu2-book.css"]
html_copy_source = False
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "use_download_button": False,
    "use_fullscreen_button": False,
    "navigation_with_keys": False,
    "extra_footer": (f'<p class="ti10cu2-citation">Executable supplement to {ARTICLE}, '
                     f'doi:<a href="https://doi.org/{DOI}">{DOI}</a>. Numbers carry their provenance '
                     '(reported, reconstructed, deposited, computed, illustrative): reconstructed data are never '
                     'measurements.</p>'),
}
html_sidebars = {"**": ["navbar-logo.html", "search-button-field.html", "sbt-sidebar-nav.html"]}
