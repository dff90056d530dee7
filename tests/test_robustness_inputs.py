"""Robust command-line options and table files: every bad value is refused before any work, in one short line.

Numeric options go through the argparse ``type=`` helpers of ``commands/common.py``: NaN, inf and values outside
the option's range end in argparse's ``error: argument --x: …`` (exit status 2), never a traceback or a silently
changed answer. Table files (``data/tables.py``): quoted numbers are numbers, UTF-16 is text, a named pipe is not
"empty", and a absurd header gives a short message. Synthetic files only, written into tmp_path.
"""

from __future__ import annotations

import argparse
import os

import pytest

from ti10cu2_lib.cli import main
from ti10cu2_lib.commands.common import fraction, number_in, parse_numbers, parse_range, positive_int
from ti10cu2_lib.core.errors import InputError
from ti10cu2_lib.data.readers import read_dataset
from ti10cu2_lib.data.tables import clip, read_numeric_table

from .conftest import run_cli

BAD_OPTIONS = [
    ("photocurrent", "--window-points", "-5"),  # IndexError traceback before
    ("photocurrent", "--window-points", "0"),  # silently the default window before
    ("photocurrent", "--window-points", "2.5"),
    ("photocurrent", "--plateau-fraction", "nan"),
    ("photocurrent", "--plateau-fraction", "1.5"),
    ("ir", "--min-prominence", "nan"),
    ("ir", "--min-prominence", "0"),
    ("ir", "--ionic-margin", "-5"),
    ("ir", "--ionic-delta-nu", "inf"),
    ("tga", "--smoothing-C", "0"),
    ("tga", "--smoothing-C", "-10"),
    ("mott-schottky", "--temperature-K", "0"),  # exit 0 before (unused without --kT-correction)
    ("mott-schottky", "--temperature-K", "inf"),
    ("mott-schottky", "--pH", "nan"),
    ("mott-schottky", "--area-cm2", "-1"),
    ("mott-schottky", "--permittivity", "0"),
    ("conductivity", "--length-mm", "0"),
    ("conductivity", "--area-mm2", "nan"),
    ("conductivity", "--length-rel-uncertainty", "-1"),
    ("conductivity", "--area-rel-uncertainty", "1"),
    ("bands", "--pH", "nan"),
    ("bands", "--offset", "inf"),
    ("bands", "--band-gap-sp", "-1"),
    ("bands", "--flat-band-cs", "nan"),
    ("structure", "--tolerance", "-0.1"),
    ("structure", "--tolerance", "nan"),
    ("bonds", "--tolerance", "5"),
    ("contacts", "--max-h-cg", "0"),
    ("contacts", "--max-gamma", "0"),
    ("contacts", "--max-gamma", "120"),
    ("coordination", "--jahn-teller-threshold", "-2.3"),
]


@pytest.mark.parametrize(("command", "option", "value"), BAD_OPTIONS,
                         ids=[f"{c} {o} {v}" for c, o, v in BAD_OPTIONS])
def test_bad_numeric_option_is_an_argparse_error(capsys, command, option, value):
    argv = [command, *(["any.cif"] if command in ("structure", "bonds", "contacts", "coordination") else []),
            f"{option}={value}"]
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    last = err.strip().splitlines()[-1]
    assert last.startswith(f"ti10cu2 {command}: error: argument {option}: '{value}' is not "), err
    assert "Traceback" not in err


def test_the_option_types_say_what_they_want():
    assert positive_int("3") == 3 and isinstance(positive_int("3"), int) and fraction("1") == 1.0
    with pytest.raises(argparse.ArgumentTypeError, match="'0' is not a whole number ≥ 1"):
        positive_int("0")
    with pytest.raises(argparse.ArgumentTypeError, match="'nan' is not a finite number > 0 and ≤ 1"):
        fraction("nan")
    with pytest.raises(argparse.ArgumentTypeError, match="'x' is not a finite number ≥ 0 and ≤ 2"):
        number_in(0, 2)("x")
    long = "9" * 500
    with pytest.raises(argparse.ArgumentTypeError) as info:
        positive_int("-" + long)
    assert len(str(info.value)) < 80


def test_lists_and_ranges_of_numbers(capsys):
    assert parse_numbers("20, 60,100", "--light-on", "20,60") == [20.0, 60.0, 100.0]
    for text in ("20,nan", "20,inf", "x", ","):
        with pytest.raises(InputError, match="not a comma-separated list of finite numbers"):
            parse_numbers(text, "--light-on", "20,60")
    assert parse_range("-0.6,-0.3", "--window", "-0.6,-0.3") == (-0.6, -0.3)
    for text in ("nan,1", "-0.3,-0.6", "1,inf"):
        with pytest.raises(InputError, match="LO < HI"):
            parse_range(text, "--window", "-0.6,-0.3")
    # through the CLI: one line, exit status 2 (a NaN light time was taken as a time before)
    assert main(["photocurrent", "--light-on", "20,nan", "--light-off", "40,80"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--light-on '20,nan'" in err
    assert main(["mott-schottky", "--window", "nan,-0.3"]) == 2
    assert "needs LO < HI" in capsys.readouterr().err


# -- table files ------------------------------------------------------------------------------------------


def test_numbers_quoted_by_a_spreadsheet_are_read(tmp_path):
    path = tmp_path / "quoted.csv"
    path.write_text('"voltage_V","current_nA"\n"-0.2","-1"\n"0","0"\n"0.2","1"\n')
    frame = read_dataset(path, "iv").frame
    assert frame["current_A"].tolist() == pytest.approx([-1e-9, 0.0, 1e-9])
    semicolons = tmp_path / "quoted_semicolon.csv"
    semicolons.write_text("'wavelength_nm';'reflectance'\n'400';'0.2'\n'500';'0.5'\n'600';'0.8'\n")
    assert read_numeric_table(semicolons)["reflectance"].tolist() == [0.2, 0.5, 0.8]


def test_header_of_300000_columns_gives_a_short_message(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(300_000)) + "\n" + ",".join(["1"] * 300_000) + "\n")
    with pytest.raises(InputError, match="the header has 300000 columns") as info:
        read_dataset(path, "photocurrent")
    assert len(str(info.value)) < 300
    repeated = tmp_path / "repeated.csv"
    repeated.write_text(",".join(["c"] * 50) + "\n" + ",".join(["1"] * 50) + "\n")
    with pytest.raises(InputError, match=r"duplicated column name\(s\) in the header: c\. ") as info:
        read_numeric_table(repeated)
    assert len(str(info.value)) < 300


def test_long_cells_are_clipped_in_messages(tmp_path):
    path = tmp_path / "long_cell.csv"
    path.write_text("voltage_V,current_A\n0,1\n0.1," + "x" * 100_000 + "\n")
    with pytest.raises(InputError, match="non-numeric cell in row 3") as info:
        read_numeric_table(path)
    assert len(str(info.value)) < 300
    assert clip("a\nb   c") == "a b c" and len(clip("y" * 1000)) == 80


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_utf16_and_utf32_tables_are_text_not_binary(tmp_path, encoding):
    path = tmp_path / f"iv_{encoding}.csv"
    path.write_bytes("voltage_V,current_A\n-0.2,-1e-9\n0,0\n0.2,1e-9\n".encode(encoding))
    assert read_dataset(path, "iv").frame["voltage_V"].tolist() == [-0.2, 0.0, 0.2]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_named_pipe_table_is_not_called_empty(capsys, tmp_path):
    path = tmp_path / "pipe.csv"
    os.mkfifo(path)
    assert main(["conductivity", str(path), "--length-mm", "1", "--area-mm2", "1"]) == 2
    err = capsys.readouterr().err.strip()
    assert "is not a regular file (a named pipe" in err and "empty" not in err and len(err.splitlines()) == 1


def test_nan_is_still_refused_inside_quotes(tmp_path):
    path = tmp_path / "quoted_nan.csv"
    path.write_text('"voltage_V","current_A"\n"0","nan"\n"0.1","1"\n"0.2","2"\n')
    with pytest.raises(InputError, match="non-finite value in row 2"):
        read_numeric_table(path)


@pytest.mark.parametrize("argv", [["nonsense"], ["tauc", "--transition", "x"], ["photocurrent", "--window-points",
                                                                               "-5"], ["structure"]])
def test_argument_errors_are_one_line_with_exit_2(argv):
    """argparse's own errors (unknown command, bad choice, missing argument) read like every other error: one
    line naming the command, with a fix, exit status 2 (no usage block)."""
    proc = run_cli(*argv)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "error:" in lines[0] and "Fix: see 'ti10cu2" in lines[0], proc.stderr
