"""Scorers against published corpora (quote attribution on PolNeAR; more to come)."""
