"""Indicators this pillar registers with core.indicators.registry."""
