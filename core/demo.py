"""Registry of demo-data generators: each app's `demo.py` registers one with `register`.

`manage.py seed_demo --scale small|province` runs them in order. A generator receives the scale
and a `log` callable; it must be idempotent (running seed_demo twice adds nothing twice) and, at
province scale, stream rows in batches (COPY / bulk_create) in constant memory.
"""

from collections.abc import Callable
from dataclasses import dataclass

SCALES = ("small", "province")


@dataclass(frozen=True)
class DemoGenerator:
    name: str
    order: int
    func: Callable[..., None]


_generators: dict[str, DemoGenerator] = {}


def register(name: str, *, order: int = 100):
    def decorator(func):
        _generators[name] = DemoGenerator(name=name, order=order, func=func)
        return func

    return decorator


def generators() -> list[DemoGenerator]:
    return sorted(_generators.values(), key=lambda g: (g.order, g.name))
