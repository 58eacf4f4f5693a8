"""Returns the canonical language names CodeBLEU supports and maps aliases onto them."""
from __future__ import annotations

SUPPORTED_LANGUAGES: tuple[str, ...] = (
    "python", "java", "javascript", "go", "c", "cpp", "c_sharp", "php", "ruby", "rust")

_ALIASES = {
    "py": "python", "python3": "python", "js": "javascript", "node": "javascript",
    "golang": "go", "c++": "cpp", "cxx": "cpp", "c#": "c_sharp", "csharp": "c_sharp",
    "cs": "c_sharp", "c-sharp": "c_sharp", "rb": "ruby", "rs": "rust",
}


class UnsupportedLanguage(ValueError):
    """Raised for a language CodeBLEU cannot parse; the message lists the supported ones."""

    def __init__(self, lang: object) -> None:
        super().__init__(f"unsupported language {lang!r}; supported: {', '.join(SUPPORTED_LANGUAGES)}")
        self.lang = lang


def normalize_language(lang: str) -> str:
    """Return the canonical name of `lang` (case and common aliases folded), or raise UnsupportedLanguage."""
    if not isinstance(lang, str):
        raise UnsupportedLanguage(lang)
    key = lang.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in SUPPORTED_LANGUAGES:
        raise UnsupportedLanguage(lang)
    return key
