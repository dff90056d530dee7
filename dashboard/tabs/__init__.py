"""The dashboard's tabs, one module each, listed in page order by :data:`dashboard.layout.TABS`.

Each module has ``TITLE`` (the tab's label) and ``build(state, ctx)`` (the tab's contents for one session), and holds
the sections only it shows (see :mod:`dashboard.panels`); what several tabs use is in :mod:`dashboard.components`.
"""
