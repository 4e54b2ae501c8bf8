"""YAML with line numbers, read safely: LineMap/LineList, and limits that stop alias bombs.

The catalogue is edited by hand, so the loader must turn any text into either data or a problem
with a line, and do so quickly. The file size is bounded before parsing; once libyaml has
composed the node graph (aliases are shared nodes there, so this is cheap) one walk counts the
aliases, the size with every alias expanded and the nesting depth, before anything is built (a
"billion laughs" file fails in a millisecond instead of eating gigabytes); keys must be plain
values; a scalar the YAML constructors cannot read (`!!int abc`, `0b_`) is a ConstructorError
at its line instead of a bare ValueError.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Protocol

from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.error import MarkedYAMLError, YAMLError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import Resolver
from yaml.scanner import Scanner

from kiosk.eligibility.parse import LocatedList, LocatedMap

MAX_ALIASES = 100  # `*name` references in the file (the shipped file has none)
MAX_NODES = 250_000  # nodes once every alias is expanded (the shipped file has ~11,000)
MAX_DEPTH = 50  # nested mappings/lists (the shipped file nests 8 deep)


class LineMap(LocatedMap):
    """A YAML mapping that remembers its own line and the line of each key (1-based)."""

    literal_lines: dict[object, int]  # key -> first content line of a `|` block scalar


class LineList(LocatedList):
    """A YAML sequence that remembers its own line and the line of each entry (1-based)."""


class YamlLimitError(MarkedYAMLError):
    """The document goes past one of the loader's limits (named in `problem`)."""


class _Bounds:
    """One walk over the composed node graph: aliases, expanded size and depth, all bounded.

    libyaml composes aliases as shared nodes (cheap); what explodes is whatever later walks the
    expanded tree. Sizes are memoised per node, so the walk is linear in the file's size.
    """

    def __init__(self) -> None:
        self.sizes: dict[int, int] = {}  # id(node) -> size with every alias expanded
        self.open: set[int] = set()  # nodes being walked (an alias to one is a cycle)
        self.aliases = 0

    def size(self, node: Node, depth: int) -> int:
        """The expanded size of `node`; YamlLimitError as soon as a limit is passed."""
        key = id(node)
        known = self.sizes.get(key)
        if known is not None:  # reached again: an alias
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise _limit(f"more than {MAX_ALIASES} aliases (*name) (MAX_ALIASES)", node)
            return known
        if isinstance(node, ScalarNode):
            self.sizes[key] = 1
            return 1
        if key in self.open:
            raise _limit("an alias refers to the node that contains it", node)
        if depth > MAX_DEPTH:
            raise _limit(f"nested more than {MAX_DEPTH} levels deep (MAX_DEPTH)", node)
        self.open.add(key)
        total = 1
        if isinstance(node, SequenceNode):
            for child in node.value:
                total += self.size(child, depth + 1)
        elif isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                total += self.size(key_node, depth + 1) + self.size(value_node, depth + 1)
        self.open.discard(key)
        if total > MAX_NODES:
            raise _limit(
                f"more than {MAX_NODES} values once aliases are expanded (MAX_NODES)", node
            )
        self.sizes[key] = total
        return total


def _limit(problem: str, node: Node) -> YamlLimitError:
    """The error for a passed limit, marked where the offending node starts."""
    return YamlLimitError("YAML limit exceeded", None, problem, node.start_mark)


class _Constructing(SafeConstructor, Resolver):
    """Safe constructors building LineMap/LineList; dates stay text; odd scalars are errors."""

    def __init__(self) -> None:
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self.problems: list[tuple[int, str]] = []

    def construct_object(self, node: Node, deep: bool = False) -> object:
        """Construct one node; a value its constructor cannot read is a ConstructorError."""
        try:
            return super().construct_object(node, deep)
        except YAMLError:
            raise
        except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError) as exc:
            tag = str(node.tag).rsplit(":", 1)[-1]
            shown = repr(node.value)[:40] if isinstance(node, ScalarNode) else "this"
            raise ConstructorError(
                None, None, f"cannot read {shown} as {tag} ({type(exc).__name__})", node.start_mark
            ) from None


def _construct_map(loader: _Constructing, node: Node) -> LineMap:
    if not isinstance(node, MappingNode):  # `!!map 1`
        raise ConstructorError(None, None, "!!map needs a mapping", node.start_mark)
    loader.flatten_mapping(node)
    result = LineMap()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    result.literal_lines = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, ScalarNode):
            loader.problems.append((line, "a key must be plain text, not a list or mapping"))
            continue
        key = loader.construct_object(key_node, deep=True)
        try:
            seen = key in result
        except TypeError:  # unhashable, e.g. `? !!set {a}`
            loader.problems.append((line, "a key must be plain text"))
            continue
        if seen:
            loader.problems.append((line, f"duplicate key '{key}'"))
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
        if isinstance(value_node, ScalarNode) and value_node.style == "|":
            result.literal_lines[key] = value_node.start_mark.line + 2
    return result


def _construct_seq(loader: _Constructing, node: Node) -> LineList:
    if not isinstance(node, SequenceNode):  # `!!seq 1`
        raise ConstructorError(None, None, "!!seq needs a list", node.start_mark)
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_text(loader: _Constructing, node: Node) -> str:
    if not isinstance(node, ScalarNode):  # `!!timestamp [1]`
        raise ConstructorError(None, None, "!!timestamp needs a plain value", node.start_mark)
    return str(loader.construct_scalar(node))


def _refuse_binary(loader: _Constructing, node: Node) -> None:
    # bytes would pass as text once pydantic coerced them (`category: !!binary AAAA` -> "\0\0\0")
    raise ConstructorError(
        None, None, "!!binary: a catalogue holds text, not bytes", node.start_mark
    )


_Constructing.yaml_constructors = {
    **SafeConstructor.yaml_constructors,
    "tag:yaml.org,2002:map": _construct_map,
    "tag:yaml.org,2002:seq": _construct_seq,
    "tag:yaml.org,2002:timestamp": _construct_text,
    "tag:yaml.org,2002:binary": _refuse_binary,
}


class _YamlReader(Protocol):
    """What read_yaml needs of a loader."""

    problems: list[tuple[int, str]]

    def get_single_node(self) -> Node | None:
        """The one document, composed."""
        ...

    def construct_document(self, node: Node) -> object:
        """The document's data."""
        ...

    def dispose(self) -> None:
        """Free the parser."""
        ...


class _PyLoader(Reader, Scanner, Parser, Composer, _Constructing):
    """The loader on the pure-Python parser (when PyYAML lacks libyaml)."""

    def __init__(self, text: str) -> None:
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        _Constructing.__init__(self)


_new_loader: Callable[[str], _YamlReader]
try:
    from yaml._yaml import CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml: ~7x slower, same result
    _new_loader = _PyLoader
else:

    class _CLoader(CParser, _Constructing):
        """The loader on libyaml's parser and composer."""

        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            _Constructing.__init__(self)

    _new_loader = _CLoader


def read_yaml(text: str) -> tuple[object, list[tuple[int, str]]]:
    """The document in `text` and the (line, message) findings of the loader.

    Raises yaml.YAMLError (a YamlLimitError when a limit is passed) with a mark where known.
    """
    loader = _new_loader(text)
    try:
        try:
            node = loader.get_single_node()
        except RecursionError:  # pragma: no cover - only the pure-Python composer recurses
            raise YamlLimitError(None, None, f"nested more than {MAX_DEPTH} levels deep") from None
        if node is None:
            return None, loader.problems
        _Bounds().size(node, 0)
        return loader.construct_document(node), loader.problems
    finally:
        loader.dispose()


def line_of(node: object, key: object = None) -> int | None:
    """The line of `key` in a LineMap, or of the node itself (None for plain data)."""
    if key is not None and isinstance(node, LineMap) and key in node.key_lines:
        return node.key_lines[key]
    return node.line if isinstance(node, LineMap | LineList) else None


def line_at(node: object, loc: Iterable[object]) -> int | None:
    """The deepest line known along a path of keys/indexes (a pydantic error location)."""
    line = node.line if isinstance(node, LineMap | LineList) else None
    for step in loc:
        if isinstance(node, LineMap) and isinstance(step, Hashable) and step in node:
            line = node.key_lines.get(step, line)
            node = node[step]
        elif isinstance(node, LineList) and isinstance(step, int) and 0 <= step < len(node):
            line = node.lines[step]
            node = node[step]
        else:
            break
    return line
