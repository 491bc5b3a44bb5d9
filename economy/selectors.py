"""Reads of the pillar, already scoped to what the user may see."""
