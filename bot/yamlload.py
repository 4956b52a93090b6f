"""PyYAML's safe loading, the same data at a fraction of the time and memory.

``yaml.load(text, Loader=CSafeLoader)`` first composes the whole document
into a graph of node objects (each with two source marks), resolving every
scalar's tag in Python, and then constructs the data from it: for a
100,000-passage ``passages.yaml`` (52 MB) that took 45 s and 1 GB. :func:`load`
builds the data straight from libyaml's event stream instead, resolving each
scalar's tag with PyYAML's own resolver and constructing every scalar that is
not a string with PyYAML's own constructor, so the result is the same, object
for object, in a few seconds and with no node graph.

It covers what knowledge bases use: mappings, sequences, scalars of the safe
loader's implicit types, anchors and aliases. Anything else (merge keys,
``!!set`` and other explicit collection tags, complex keys, several
documents) and every error is handed to ``yaml.load`` itself, which then
gives its usual result or error message (``tests/core/test_yamlload.py``
compares both on the knowledge bases and on tricky documents).
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import ScalarNode

# libyaml's safe loader when PyYAML has it (about 6 times faster, the same data),
# else the pure-Python one.
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
# Scalar tags whose safe constructor is a plain function of the scalar's text.
_SCALARS = frozenset(
    "tag:yaml.org,2002:" + t for t in ("null", "bool", "int", "float", "timestamp", "binary")
)
_KEYS = (str, int, float, bool, type(None))


class _UnsupportedError(Exception):
    """Something :func:`load` leaves to ``yaml.load``."""


def load(text: str, loader: type[yaml.SafeLoader] = SAFE_LOADER) -> Any:
    """The data of the YAML document ``text``, as ``yaml.load(text, Loader=loader)``
    gives it (its errors too)."""
    try:
        return _build(text, loader)
    except (_UnsupportedError, yaml.YAMLError):
        pass
    return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader


def _build(text: str, loader_class: type[yaml.SafeLoader]) -> Any:
    """The document built from its events (raises _UnsupportedError beyond what it covers)."""
    loader = loader_class(text)
    try:
        if loader.yaml_path_resolvers:
            raise _UnsupportedError
        resolvers = loader.yaml_implicit_resolvers
        wildcard = None in resolvers
        get_event: Any = loader.get_event  # PyYAML's methods are untyped
        resolve: Any = loader.resolve
        # The open collections: a list, or a mapping with its pending key.
        stack: list[Any] = []
        anchors: dict[str, Any] = {}
        documents = 0
        root: Any = None
        while True:
            event = get_event()
            kind = type(event)
            if kind is ScalarEvent:
                value: Any = event.value
                tag = event.tag
                if tag is None or tag == "!":
                    plain = event.implicit[0]
                    if plain and (wildcard or value[:1] in resolvers):
                        tag = resolve(ScalarNode, value, event.implicit)
                    else:
                        tag = _STR
                if tag != _STR:
                    if tag not in _SCALARS:
                        raise _UnsupportedError
                    node = ScalarNode(tag, value, event.start_mark, event.end_mark, event.style)
                    value = loader.construct_object(node)
                if event.anchor is not None:
                    _anchor(anchors, event.anchor, value)
            elif kind is MappingStartEvent or kind is SequenceStartEvent:
                tag = event.tag
                mapping = kind is MappingStartEvent
                if tag not in (None, "!", _MAP if mapping else _SEQ):
                    raise _UnsupportedError
                value = {} if mapping else []
                if event.anchor is not None:
                    _anchor(anchors, event.anchor, value)
                if stack:
                    _add(stack, value)
                else:
                    root = value
                stack.append(_Pending(value) if mapping else value)
                continue
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                stack.pop()
                continue
            elif kind is AliasEvent:
                if event.anchor not in anchors:
                    raise _UnsupportedError
                value = anchors[event.anchor]
            elif kind is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _UnsupportedError  # yaml.load says "expected a single document"
                continue
            elif kind is DocumentEndEvent:
                anchors = {}
                continue
            elif kind is StreamStartEvent:
                continue
            elif kind is StreamEndEvent:
                return root
            else:
                raise _UnsupportedError
            if stack:
                _add(stack, value)
            else:
                root = value
    finally:
        loader.dispose()


class _Pending:
    """An open mapping, and the key read whose value is not yet."""

    __slots__ = ("has_key", "key", "mapping")

    def __init__(self, mapping: dict[Any, Any]) -> None:
        self.mapping = mapping
        self.key: Any = None
        self.has_key = False


def _anchor(anchors: dict[str, Any], name: str, value: Any) -> None:
    if name in anchors:
        raise _UnsupportedError  # yaml.load says "found duplicate anchor"
    anchors[name] = value


def _add(stack: list[Any], value: Any) -> None:
    """Put ``value`` in the innermost open collection."""
    frame = stack[-1]
    if type(frame) is list:
        frame.append(value)
    elif frame.has_key:
        frame.mapping[frame.key] = value
        frame.has_key = False
    else:
        if not isinstance(value, _KEYS):
            raise _UnsupportedError  # complex keys: yaml.load's own error or handling
        frame.key = value
        frame.has_key = True
