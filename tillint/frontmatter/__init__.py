"""Front matter: a safe YAML reader with exact positions, value resolution and JSON Schemas.

``tree`` reads the YAML text into small nodes that remember where they were written (never
executing tags, rejecting anchors and aliases, bounding size and depth); ``values`` turns
scalars into data the way YAML 1.2 does and notes what YAML 1.1 readers would make of them;
``schema`` loads, selects and applies JSON Schemas (the presets live in ``tillint/schemas``).
The rules themselves are in ``tillint/checks/frontmatter.py``.
"""

# The schemas shipped in ``tillint/schemas``, by name (``schema = "hugo"``).
PRESETS = ("astro-blog", "hugo", "jekyll", "lumen")
