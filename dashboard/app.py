"""ti10cu2 dashboard: ``make serve`` or ``panel serve dashboard/app.py``.

Panel runs this file once per browser session: each session gets its own :class:`DashboardState` (its own uploads,
Tauc windows and toggle), built from results that are computed once and shared read-only (``pn.cache``).
"""

import sys
from pathlib import Path

import panel as pn

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `panel serve dashboard/app.py` runs this file as a script
    sys.path.insert(0, str(ROOT))

from dashboard.layout import EXTENSIONS, TITLE, build_dashboard  # noqa: E402
from dashboard.state import ANALYSIS_THREADS  # noqa: E402

pn.extension(*EXTENSIONS, notifications=False)
if not pn.config.nthreads:  # once per server process (the setting is process-wide; a later session finds it set)
    # browser events are handled on a pool of threads, not on the server's event loop: one visitor's upload
    # analysis (seconds for a large CIF) never blocks other visitors' pages (ANALYSIS_THREADS, dashboard/state.py)
    pn.config.nthreads = ANALYSIS_THREADS

layout, state, _ = build_dashboard()
layout.servable(title=TITLE)
