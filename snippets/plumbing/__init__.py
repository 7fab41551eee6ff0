"""Build plumbing shared by every page: page context, execution, math, figures, checks, values."""
