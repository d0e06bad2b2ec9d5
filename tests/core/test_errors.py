"""The error hierarchy: messages, remedies as data, exit codes, Danish OS reasons."""

from __future__ import annotations

import errno

import pytest

from core.errors import (
    AssistantError,
    ConfigError,
    CorpusError,
    IndexCorruptError,
    IndexNotBuiltError,
    LinkError,
    QuestionError,
    Remedy,
    StoreUnavailableError,
    UsageError,
    os_reason,
)


def test_the_message_is_the_first_argument() -> None:
    assert AssistantError("Indekset mangler.", "detalje").message == "Indekset mangler."


def test_an_error_without_arguments_is_named_by_its_class() -> None:
    assert IndexNotBuiltError().message == "IndexNotBuiltError"


def test_the_remedy_is_data_and_absent_by_default() -> None:
    assert IndexCorruptError("x", remedy=Remedy.REBUILD).remedy is Remedy.REBUILD
    assert IndexCorruptError("x").remedy is None


def test_a_remedy_is_a_plain_string_value() -> None:
    assert Remedy("fit") is Remedy.FIT and Remedy.SERVER == "server"


@pytest.mark.parametrize("error", [UsageError, QuestionError, LinkError, ConfigError])
def test_usage_errors_exit_with_two(error: type[AssistantError]) -> None:
    assert error("x").exit_code == 2
    assert issubclass(error, UsageError)


@pytest.mark.parametrize("error", [IndexNotBuiltError, IndexCorruptError, StoreUnavailableError])
def test_other_errors_exit_with_one(error: type[AssistantError]) -> None:
    assert error("x").exit_code == 1
    assert not issubclass(error, UsageError)


def test_a_corpus_error_names_the_source_and_the_reason() -> None:
    error = CorpusError("corpus/notat.txt", "er tom")
    assert error.message == "corpus/notat.txt: er tom"
    assert (error.source, error.reason) == ("corpus/notat.txt", "er tom")
    assert isinstance(error, AssistantError) and error.remedy is None


@pytest.mark.parametrize(
    ("code", "reason"),
    [(errno.EACCES, "adgang nægtet"), (errno.ENOSPC, "disken er fuld"), (errno.ENOENT, "findes ikke")],
)
def test_a_known_os_error_is_told_in_danish(code: int, reason: str) -> None:
    assert os_reason(OSError(code, "English text")) == reason


def test_an_unknown_os_error_is_named_by_its_code() -> None:
    assert os_reason(OSError(errno.EPIPE, "Broken pipe")) == "systemfejl EPIPE"


def test_an_os_error_without_a_code_is_named_by_its_type() -> None:
    assert os_reason(FileNotFoundError()) == "systemfejl FileNotFoundError"
