"""Writes: everything that creates or changes letters goes through these functions."""
