"""Layer 4, report: combines analyses into what a reader checks: every analysis of a form (:mod:`.overview`),
every reported number against our computation (:mod:`.claims`) and how answers move with our choices
(:mod:`.sensitivity`). Imports core, data, analysis, structure and forward; never plotting."""
