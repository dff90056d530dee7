"""The layers of the code base: imports only point down, no circles, and a fast CLI start.

Layers, bottom to top: core → data → analysis | structure → forward → report → present → commands/cli, dashboard.
The import graph is read from the source (every ``import`` statement, also those inside functions), so a lazy
import that points upward is caught too.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from ti10cu2_lib import cli

REPO = Path(__file__).resolve().parents[1]
#: rank of each layer; a module may import its own package or a lower rank (dashboard and commands: the top)
LAYERS = {"core": 0, "data": 1, "analysis": 2, "structure": 2, "forward": 3, "report": 4, "survey": 4, "present": 5,
          "commands": 6, "cli": 6, "dashboard": 7}
HEAVY = ("pandas", "scipy", "panel", "bokeh", "holoviews")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _project_imports(path: Path) -> set[str]:
    return _project_imports_of(path, _module_name(path))


def _project_imports_of(path: Path, name: str) -> set[str]:
    """Modules of the project that ``path`` (module ``name``) imports (absolute; ``from pkg import mod`` → pkg.mod)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    return {m for m in found if m.split(".")[0] in ("ti10cu2_lib", "dashboard")}


def _graph() -> dict[str, set[str]]:
    files = [*REPO.glob("ti10cu2_lib/**/*.py"), *REPO.glob("dashboard/**/*.py")]
    modules = {_module_name(p): p for p in files}
    return {name: {m for m in _project_imports(path) if m in modules and m != name} for name, path in modules.items()}


def _layer(module: str) -> tuple[str, int]:
    parts = module.split(".")
    if parts[0] == "dashboard":
        return "dashboard", LAYERS["dashboard"]
    key = parts[1] if len(parts) > 1 else "cli"
    return key, LAYERS.get(key, LAYERS["cli"])


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """Imports from a module to its own or a higher layer's package (the top layers may import each other)."""
    upward = []
    for module, imports in graph.items():
        layer, rank = _layer(module)
        for target in imports:
            target_layer, target_rank = _layer(target)
            if target.count(".") == 0 or target_layer == layer:
                continue  # a package's own modules; bare package imports (docstring-only __init__)
            if target_rank >= rank and not (rank >= LAYERS["commands"] and target_rank >= LAYERS["commands"]):
                upward.append(f"{module} → {target}")
    return sorted(upward)


def import_circles(graph: dict[str, set[str]]) -> list[str]:
    """Every circle found by a depth-first walk of the import graph."""
    cycles, state = [], {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                cycles.append(" → ".join([*stack[stack.index(nxt):], nxt]))
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return cycles


def test_imports_point_down_the_layers():
    upward = upward_imports(_graph())
    assert not upward, "imports against the layer order:\n" + "\n".join(upward)


def test_no_import_circles():
    cycles = import_circles(_graph())
    assert not cycles, "import circles:\n" + "\n".join(cycles)


def test_the_checks_can_fail(tmp_path):
    """An upward lazy import and a circle like the two this layout removed are both reported."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from ti10cu2_lib.report import claims\n")
    assert "ti10cu2_lib.report.claims" in _project_imports_of(bad, "ti10cu2_lib.analysis.bad")
    assert upward_imports({"ti10cu2_lib.analysis.tauc": {"ti10cu2_lib.report.claims"},
                           "ti10cu2_lib.present.figures": {"ti10cu2_lib.analysis.tauc"}}) == [
        "ti10cu2_lib.analysis.tauc → ti10cu2_lib.report.claims"]
    circle = {"ti10cu2_lib.data.datasets": {"ti10cu2_lib.data.readers"},
              "ti10cu2_lib.data.readers": {"ti10cu2_lib.data.datasets"}}
    assert import_circles(circle) == [
        "ti10cu2_lib.data.datasets → ti10cu2_lib.data.readers → ti10cu2_lib.data.datasets"]


@pytest.mark.parametrize("argv", [["--help"], ["reported"], ["reported", "--json"], ["tauc", "--help"]])
def test_cli_start_imports_no_heavy_package(argv):
    code = ("import sys, contextlib, io\nfrom ti10cu2_lib.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    try:\n        main({argv!r})\n    except SystemExit:\n        pass\n"
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    if argv[0] == "tauc":  # the check can fail: a real analysis command does import the scientific stack
        assert "pandas" in out.stdout and "scipy" in out.stdout
        return
    assert out.stdout.strip() == "", f"ti10cu2 {' '.join(argv)} imported {out.stdout.strip()}"


def test_the_command_table_matches_what_the_modules_register():
    """cli.COMMANDS (read by --help without importing) names each module's subcommands exactly."""
    modules = sorted({module for module, _ in cli.COMMANDS.values()})
    files = sorted(p.stem for p in (REPO / "ti10cu2_lib" / "commands").glob("*_cmds.py"))
    assert modules == files
    for module in modules:
        subparsers = argparse.ArgumentParser().add_subparsers()
        registered = cli.register_module(subparsers, module)
        assert sorted(registered) == sorted(n for n, (m, _) in cli.COMMANDS.items() if m == module), module


def test_a_command_runs_with_only_its_module_registered(capsys):
    assert cli.main(["reported", "--form", "cs"]) == 0
    assert "band_gap" in capsys.readouterr().out
    parser = cli.build_parser("tauc")
    args = parser.parse_args(["tauc", "--transition", "indirect"])
    assert args.transition == "indirect" and callable(args.func)
    assert importlib.import_module("ti10cu2_lib.commands.optical_cmds")
