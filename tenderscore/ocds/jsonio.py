"""OCDS JSON text: money keeps its exact digits on the way out and on the way back in.

The standard carries amounts as JSON numbers. The stdlib ``json`` would need a float on the way, and a float of
``1234567.89`` is not ``1234567.89``; simplejson writes a ``Decimal``'s own digits and reads non-integers back as
``Decimal``. Floats are refused outright: one that reached a release has already lost digits somewhere upstream.
Releases are stored byte for byte once published, so the same input must always give the same text: keys keep the
order the builders put them in (no sorting needed, nothing random), and there is no NaN or Infinity (not JSON).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import simplejson


def _no_floats(value: Any, path: str = "$") -> None:
    if isinstance(value, float):
        raise TypeError(f"{path} is a float ({value!r}); OCDS amounts must be Decimal to keep their digits")
    if isinstance(value, dict):
        for key, item in value.items():
            _no_floats(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _no_floats(item, f"{path}[{index}]")


def dumps(obj: Any, *, indent: int | None = None) -> str:
    """JSON text of ``obj`` (UTF-8 ready: non-ASCII characters are kept, not escaped). Decimals are written as
    numbers with their exact digits; floats, NaN and Infinity raise."""
    _no_floats(obj)
    separators = (",", ": ") if indent is not None else (",", ":")
    text: str = simplejson.dumps(
        obj, use_decimal=True, allow_nan=False, ensure_ascii=False, indent=indent, separators=separators
    )
    return text


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def loads(text: str | bytes) -> Any:
    """Parse OCDS JSON text: integers as ``int``, every other number as ``Decimal`` (exact), NaN/Infinity refused."""
    return simplejson.loads(text, parse_float=Decimal, parse_constant=_no_constant)
