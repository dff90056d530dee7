"""The ti10cu2 Panel dashboard (presentation only): ``panel serve dashboard/app.py``."""
