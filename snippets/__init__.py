"""Executable proofs for the worked solutions: one module per question part plus shared plumbing."""

# Question modules import all or nothing (a failed import registers no check): see the module.
from snippets.plumbing import snippet_imports

snippet_imports.install()
