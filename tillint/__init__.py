"""tillint: a content-quality linter for Markdown knowledge bases."""

__version__ = "0.1.0"
