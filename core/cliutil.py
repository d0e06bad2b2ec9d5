"""An argparse parser that speaks Danish and fails with one line and exit code 2."""

from __future__ import annotations

import argparse
import logging
import re
import sys
from typing import NoReturn

from core.errors import AssistantError

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


def fail(error: AssistantError) -> int:
    """Print the error as one Danish line on stderr; return its exit code."""
    print(f"Fejl: {error.message}", file=sys.stderr)
    return error.exit_code
