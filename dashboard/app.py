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

pn.extension(*EXTENSIONS, notifications=False)

layout, state, _ = build_dashboard()
layout.servable(title=TITLE)
