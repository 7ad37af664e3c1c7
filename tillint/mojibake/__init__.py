"""Mojibake: UTF-8 text that was read through a single-byte codepage, found and restored.

``detect`` finds the damaged spans of a line and what each damaged piece may have been;
``language`` ranks the candidates of lossy spans; ``repair`` puts the two together.
"""
