"""Every number a person reads in the text output of the analysis commands is rounded: a value with an uncertainty
to the uncertainty (2 significant digits of it), anything else to ≤ 4 significant digits. JSON keeps full
precision."""

from __future__ import annotations

import json
import re

import pytest

from ti10cu2_lib.cli import main
from ti10cu2_lib.core.paths import example_file

NUMBER = r"[-−+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
PAIR = re.compile(rf"(?<![\w.])({NUMBER}) ± ({NUMBER})(?![\w.])")
SINGLE = re.compile(rf"(?<![\w.]){NUMBER}(?![\w])")
IDENTIFIERS = re.compile(r"CCDC\s+\d+(?:/\d+)*")  # deposition numbers are names, not measurements

COMMANDS = [
    ("uvvis",), ("uvvis", "--form", "cs", "--deconvolve"),
    ("tauc",), ("tauc", "--form", "cs", "--method", "baseline"), ("tauc", "--transition", "indirect"),
    ("mott-schottky",), ("mott-schottky", "--form", "cs", "--permittivity", "10", "--area-cm2", "1"),
    ("conductivity",), ("conductivity", "--form", "cs"), ("bands",),
    ("co2",), ("co2", "--form", "cs"), ("photocurrent", "--form", "cs"),
    ("ir", str(example_file("ir_bridging_carboxylate.csv"))), ("tga", str(example_file("tga_sp_2MeOH.csv"))),
    ("data", "list"),
]


def significant_digits(token: str) -> int:
    """Significant digits of a printed number; trailing zeros of a whole number do not count ("1000" → 1)."""
    mantissa = re.split(r"[eE]", token.lstrip("-−+"))[0]
    digits = mantissa.replace(".", "").lstrip("0")
    return len(digits if "." in mantissa else digits.rstrip("0")) or 1


def decimals(token: str) -> int:
    mantissa = re.split(r"[eE]", token)[0]
    return len(mantissa.split(".")[1]) if "." in mantissa else 0


def too_precise(text: str) -> list[str]:
    """The numbers in ``text`` that break the rounding rule."""
    problems = []
    text = IDENTIFIERS.sub(" ", text)
    for value, uncertainty in PAIR.findall(text):
        if significant_digits(uncertainty) > 2 or decimals(value) != decimals(uncertainty):
            problems.append(f"{value} ± {uncertainty}")
    for token in SINGLE.findall(PAIR.sub(" ", text)):
        if significant_digits(token) > 4:
            problems.append(token)
    return problems


def test_the_checker_catches_the_issue_examples():
    assert too_precise("E_fb -0.472448 V, σ 4.06219e-10 S/m, rate 11.0198 ± 0.144542") == [
        "11.0198 ± 0.144542", "-0.472448", "4.06219e-10"]
    assert too_precise("-0.4724 ± 0.0018 V, 1.4769e+13 ± 0.0075e+13, 4.062e-10, CO2 1000 Hz, Fig. S20, "
                       "CCDC 2277134/2277142") == []


@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_printed_numbers_are_rounded(capsys, argv):
    capsys.readouterr()
    assert main(list(argv)) == 0
    text = capsys.readouterr().out
    assert too_precise(text) == [], text


def test_json_keeps_full_precision(capsys):
    capsys.readouterr()
    assert main(["co2", "--form", "cs", "--json"]) == 0
    rate = json.loads(capsys.readouterr().out)["products"]["CH4"]["rate_umol_per_g_h"]
    assert significant_digits(repr(rate)) > 6
