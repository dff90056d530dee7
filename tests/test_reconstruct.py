"""The embedded reconstructed defaults are exactly what `ti10cu2 data reconstruct` regenerates."""

from __future__ import annotations

import json

from ti10cu2_lib.core.paths import DATA_DIR
from ti10cu2_lib.data.datasets import MANIFEST_PATH
from ti10cu2_lib.data.kinds import KINDS
from ti10cu2_lib.forward.reconstruct import DEFAULT_SEED, reconstruct_all


def test_committed_defaults_are_regenerated_byte_for_byte(tmp_path):
    entries = reconstruct_all(seed=DEFAULT_SEED, out_dir=tmp_path / "default", manifest_path=tmp_path / "manifest.json")
    committed = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))["datasets"]
    assert [(e["form"], e["kind"]) for e in entries] == [(e["form"], e["kind"]) for e in committed]
    for fresh, kept in zip(entries, committed, strict=True):
        assert fresh == kept
        assert (tmp_path / fresh["file"]).read_bytes() == (DATA_DIR / kept["file"]).read_bytes(), kept["file"]


def test_every_kind_with_a_default_has_one_per_form_with_provenance_and_assumptions():
    committed = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))["datasets"]
    for kind, info in KINDS.items():
        found = [e for e in committed if e["kind"] == kind]
        assert len(found) == (2 if info.has_default else 0), kind
        for entry in found:
            assert entry["provenance"] in ("reconstructed", "illustrative")
            assert entry["source"] and entry["assumptions"]


def test_a_different_seed_changes_the_noise_but_not_the_reported_anchor(tmp_path):
    entries = reconstruct_all(seed=1, out_dir=tmp_path / "default", manifest_path=tmp_path / "manifest.json")
    differs = [e for e in entries if (tmp_path / e["file"]).read_bytes() != (DATA_DIR / e["file"]).read_bytes()]
    assert differs, "the seed has no effect"
