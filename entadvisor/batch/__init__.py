"""Batch evaluation of saved answer files and the files it writes (synthesis, CSV, index)."""
