"""Writes of the pillar: keyword-only functions, one transaction each, audited."""
