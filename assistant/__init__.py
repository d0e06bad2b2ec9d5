"""Cited, extractive answers from the Frikommuneforsøg II documents.

from assistant import build_assistant, load_settings
answer = build_assistant(load_settings()).ask("Hvilke forsøg stopper 31/12-21?")
"""

from assistant.engine import Assistant, Trace, build_assistant
from assistant.schema import Answer, Citation, Repair
from core.config import Settings, load_settings
from core.errors import (
    AssistantError,
    ConfigError,
    CorpusError,
    IndexCorruptError,
    IndexNotBuiltError,
    QuestionError,
    UsageError,
)

__all__ = [
    "Answer",
    "Assistant",
    "AssistantError",
    "Citation",
    "ConfigError",
    "CorpusError",
    "IndexCorruptError",
    "IndexNotBuiltError",
    "QuestionError",
    "Repair",
    "Settings",
    "Trace",
    "UsageError",
    "build_assistant",
    "load_settings",
]
