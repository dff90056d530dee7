"""binder/: the files repo2docker reads, and its ``postBuild`` run in a fresh virtual environment.

A full ``pip install -r binder/requirements.txt`` into an empty venv downloads the whole scientific stack (several
minutes, and impossible offline), so the fresh venv here reuses the installed dependencies: a ``.pth`` file puts
this environment's site-packages on its path (not as a site directory, so this checkout's editable install is not
seen), and a copy of the repository's files (``git ls-files``) stands for the ``-e .`` install. ``postBuild`` runs
there with that venv's ``python`` first on ``PATH``, vendors the JavaScript into the copy (npm registry or its
cache), and then notebook 03 (nglview views, sp/cs toggle) executes in a kernel of that venv. About 1 min.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BINDER = REPO / "binder"


def test_requirements_install_the_project_with_the_notebook_extra():
    lines = [line.strip() for line in (BINDER / "requirements.txt").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert lines == ["-e .[notebooks]"], lines
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    notebooks = project["optional-dependencies"]["notebooks"]
    assert "nglview==4.0" in notebooks and any(r.startswith("jupyterlab") for r in notebooks)
    runtime = (BINDER / "runtime.txt").read_text().strip()
    major_minor = tuple(int(x) for x in re.fullmatch(r"python-(\d+)\.(\d+)", runtime).groups())
    required = tuple(int(x) for x in re.search(r">=\s*(\d+)\.(\d+)", project["requires-python"]).groups())
    assert major_minor >= required, (runtime, project["requires-python"])
    assert os.access(BINDER / "postBuild", os.X_OK), "postBuild must be executable"


def _repository_copy(target: Path) -> None:
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=REPO, capture_output=True,
                           text=True, check=True).stdout.splitlines()
    for rel in files:
        source = REPO / rel
        if source.is_file():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / rel)


@pytest.mark.notebooks
def test_postbuild_in_a_fresh_venv_then_a_notebook_executes(tmp_path):
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed (postBuild fetches NGL from the npm registry)")
    pytest.importorskip("nbclient")
    repo, venv = tmp_path / "repo", tmp_path / "venv"
    _repository_copy(repo)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    Path(purelib, "_installed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = dict(os.environ, PATH=f"{venv / 'bin'}{os.pathsep}{Path(sys.executable).parent}{os.pathsep}"
                                f"{os.environ.get('PATH', '')}", PYTHONPATH=str(repo))
    env.pop("VIRTUAL_ENV", None)

    proc = subprocess.run(["bash", str(repo / "binder" / "postBuild")], cwd=repo, env=env, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, f"postBuild failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
    js = repo / "ti10cu2_lib" / "present" / "_js"
    assert (js / "viewer3d.bundle.js").stat().st_size > 500_000, "postBuild did not build the viewer bundle"
    assert (js / "book" / "static" / "nglview" / "index.js").is_file(), "postBuild did not vendor the book's JS"

    run = ("import nbformat, nbclient, sys\n"
           "nb = nbformat.read(sys.argv[1], as_version=4)\n"
           "nbclient.NotebookClient(nb, timeout=600, kernel_name='python3', resources={'metadata': {'path': "
           "sys.argv[2]}}).execute()\n"
           "views = [o for c in nb.cells for o in c.get('outputs', []) "
           "if 'application/vnd.jupyter.widget-view+json' in o.get('data', {})]\n"
           "import ti10cu2_lib; print(len(views), ti10cu2_lib.__file__)\n")
    proc = subprocess.run([str(python), "-c", run, str(repo / "notebooks" / "03_supercrystals.ipynb"),
                           str(repo / "notebooks")], cwd=repo, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, f"notebook 03 failed in the fresh venv:\n{proc.stderr[-3000:]}"
    n_views, library = proc.stdout.split()
    assert int(n_views) >= 1, "notebook 03 showed no widget"
    assert Path(library).resolve().is_relative_to(repo.resolve()), f"library imported from {library}, not the copy"
