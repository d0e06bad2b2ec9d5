"""A corpus's own vocabulary, read from ``lexicon.toml`` beside its manifest.

Synonym groups (words the documents use for the same thing) and an English glossary
(English question word -> the Danish words the documents use). Both only widen what the
lexical side looks for; nothing here is code, so a new corpus brings its own file or none.
Every eval figure is reported with and without it (``answer.lexicon``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import ConfigError
from core.textnorm import skeleton, words

FILE_NAME = "lexicon.toml"


@dataclass(frozen=True)
class Lexicon:
    synonyms: dict[str, frozenset[str]] = field(default_factory=dict)
    english: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.synonyms or self.english)

    def alternatives(self, word: str, english: bool) -> set[str]:
        """``word`` and the words this corpus uses for it (its synonyms; for an English
        question also the glossary's Danish words and their synonyms)."""
        out = {word} | self.synonyms.get(skeleton(word), frozenset())
        if english:
            for danish in self.english.get(word, ()):
                out |= {danish} | self.synonyms.get(skeleton(danish), frozenset())
        return out

    @classmethod
    def load(cls, path: Path) -> Lexicon:
        """The lexicon in ``path``; an empty one when the file does not exist."""
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"Ordlisten {path} kan ikke læses: {exc}") from exc
        synonyms_table, glossary = raw.get("synonyms", {}), raw.get("english", {})
        if not isinstance(synonyms_table, dict):
            raise ConfigError(f"Ordlisten {path}: [synonyms] skal være en tabel med groups = [...].")
        groups = synonyms_table.get("groups", [])
        if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
            raise ConfigError(f"Ordlisten {path}: [synonyms] groups skal være en liste af tekster.")
        if not isinstance(glossary, dict) or not all(isinstance(v, str) for v in glossary.values()):
            raise ConfigError(f'Ordlisten {path}: [english] skal have formen ord = "danske ord".')
        synonyms: dict[str, frozenset[str]] = {}
        for group in groups:
            members = frozenset(words(group))
            for word in members:  # looked up however æ/ø/å was typed
                key = skeleton(word)
                synonyms[key] = synonyms.get(key, frozenset()) | members
        english = {key.lower(): tuple(words(value)) for key, value in glossary.items()}
        return cls(synonyms, english)
