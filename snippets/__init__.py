"""Executable proofs for the worked solutions: one module per question part plus shared plumbing."""
