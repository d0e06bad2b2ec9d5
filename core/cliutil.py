"""An argparse parser that speaks Danish and fails with one line and exit code 2."""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
from collections.abc import Callable, Mapping
from typing import NoReturn

from core.errors import AssistantError, Remedy

_MESSAGES = (
    (re.compile(r"the following arguments are required: (.*)"), r"mangler: \1"),
    (re.compile(r"unrecognized arguments: (.*)"), r"ukendte argumenter: \1"),
    (
        re.compile(r"argument (\S+): invalid choice: (.*) \(choose from (.*)\)"),
        r"\1: ugyldigt valg \2 (vælg mellem \3)",
    ),
    (re.compile(r"argument (\S+): expected one argument"), r"\1 mangler en værdi"),
    (re.compile(r"argument (\S+): invalid (\w+) value: (.*)"), r"\1: ugyldig værdi \3"),
)


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):  # type: ignore[no-untyped-def]
        super().add_usage(usage, actions, groups, "brug: " if prefix is None else prefix)


class DanishParser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumenter"
        self._optionals.title = "tilvalg"
        self.add_argument("-h", "--help", action="help", help="vis denne hjælp og afslut")

    def error(self, message: str) -> NoReturn:
        for pattern, replacement in _MESSAGES:
            message = pattern.sub(replacement, message)
        self.exit(2, f"Fejl: {message}. Se: {self.prog} --help\n")


def setup_logging() -> None:
    """Warnings and errors only, one line each; bm25s sets its own logger to DEBUG."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("bm25s").setLevel(logging.WARNING)


# What the command-line tools say would fix an error (the app says it its own way).
REMEDIES = {
    Remedy.INGEST: "Byg eller opdatér indekset med: python -m ingest",
    Remedy.REBUILD: "Byg indekset igen med: python -m ingest --rebuild",
    Remedy.FIT: "Lav svarmodellens vægte med: python -m evals fit",
    Remedy.SERVER: "Prøv igen om lidt, eller start serveren: chroma run --path MAPPE --host HOST --port PORT",
}


def describe(error: AssistantError, remedies: Mapping[Remedy, str] = REMEDIES) -> str:
    """The error's facts and, when it has one, what would fix it, in one Danish line."""
    remedy = remedies.get(error.remedy) if error.remedy else None
    return f"{error.message} {remedy}." if remedy else error.message


def fail(error: AssistantError) -> int:
    """Print the error as one Danish line on stderr; return its exit code."""
    print(f"Fejl: {describe(error)}", file=sys.stderr)
    return error.exit_code


def run_main(main: Callable[[], int]) -> NoReturn:
    """Run a command's ``main`` and exit with its code. A reader that stops early
    (``python -m assistant forsøg | head``) ends the output quietly, as Unix tools do:
    no BrokenPipeError traceback."""
    try:
        code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # Python flushes stdout again at exit
        code = 0
    sys.exit(code)
