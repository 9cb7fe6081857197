"""Reading a governance file safely: its text, and its YAML or JSON as Python data, without the database.

A file is refused, with the place and nothing written, when it is larger than
``MAX_FILE_BYTES`` (5 MB; a whole system's file is tens of KB), nests deeper than
``MAX_DEPTH`` (20 levels; the format needs 5), gives a key twice in one mapping (the
second would silently replace the first), uses YAML anchors or aliases (one alias can
stand for thousands of copies), or has a NUL character or an unpaired surrogate in any
text (no database can store them). What the data says is checked by ``parse``.
"""

import json
import re
from pathlib import Path

import yaml

from governance.governance_file.report import Problems

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 20  # mappings and lists inside each other; the top mapping is level 1


class Number(int):
    """An integer YAML read, keeping the text it was written as (``010`` is read as 8)."""

    text: str


class _GovernanceYamlLoader(yaml.SafeLoader):
    """SafeLoader that keeps what it cannot read as text, so the checks can name the place.

    It also refuses, at their line, what a governance file never needs: a key given twice
    in one mapping, anchors and aliases, and nesting deeper than ``MAX_DEPTH``.
    """

    depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases (&name, *name) are not allowed; write each value out", event.start_mark
            )
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"nested deeper than {MAX_DEPTH} levels", event.start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node, deep=False):
        first: dict = {}
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                seen = first.setdefault(key, key_node)
            except TypeError:
                continue  # an unhashable key: SafeLoader says so below
            if seen is not key_node:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"the key {key!r} is given twice in one mapping (first on line {seen.start_mark.line + 1}); "
                    "the second would silently replace the first",
                    key_node.start_mark,
                )
        return super().construct_mapping(node, deep=deep)


def _yaml_timestamp(loader, node):
    # An impossible date such as 2023-13-01 would otherwise stop the whole parse, unplaced.
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


def _yaml_int(loader, node):
    number = Number(yaml.SafeLoader.construct_yaml_int(loader, node))
    number.text = node.value
    return number


_GovernanceYamlLoader.add_constructor("tag:yaml.org,2002:timestamp", _yaml_timestamp)
_GovernanceYamlLoader.add_constructor("tag:yaml.org,2002:int", _yaml_int)


class _JsonObject(dict):
    """A JSON object, with the keys it gave more than once (json.loads keeps only the last)."""

    twice: tuple = ()


def _json_object(pairs: list) -> _JsonObject:
    mapping = _JsonObject(pairs)
    if len(mapping) < len(pairs):
        seen: set = set()
        mapping.twice = tuple(key for key, _ in pairs if key in seen or seen.add(key))
    return mapping


# A JSON string (skipped whole, brackets in it are text) or a bracket. Possessive: no backtracking.
_JSON_BRACKETS = re.compile(r'"(?:[^"\\]++|\\.)*+"|[\[\]{}]')


def _line_and_column(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - text.rfind("\n", 0, offset)
    return f"line {line}, column {column}"


def _json_too_deep(text: str) -> int | None:
    """The offset of the first bracket nested deeper than ``MAX_DEPTH``, found before parsing
    (the parser would recurse once per level, and run out of stack); None if there is none."""
    depth = 0
    for match in _JSON_BRACKETS.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > MAX_DEPTH:
                return match.start()
        elif token in ("]", "}"):
            depth -= 1
    return None


def _read_text(path: Path, problems: Problems) -> str | None:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)  # never more: a huge file is refused unread
    except OSError as error:
        problems.add("", f"cannot be read: {error.strerror or error}")
        return None
    if len(data) > MAX_FILE_BYTES:
        problems.add("", f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; a governance file describes one system")
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.add("", f"cannot be read: not UTF-8 text (byte {error.start + 1})")
        return None


def read_data(path: Path, problems: Problems):
    """The file's content as Python data, or None (with a problem noted) if it cannot be read."""
    suffix = path.suffix.lower()
    if suffix not in {".yaml", ".yml", ".json"}:
        problems.add("", "not a governance file: the name must end in .yaml, .yml or .json")
        return None
    text = _read_text(path, problems)
    if text is None:
        return None
    if suffix == ".json":
        too_deep = _json_too_deep(text)
        if too_deep is not None:
            problems.add("", f"nested deeper than {MAX_DEPTH} levels ({_line_and_column(text, too_deep)})")
            return None
        try:
            data = json.loads(text, object_pairs_hook=_json_object)
        except json.JSONDecodeError as error:
            problems.add("", f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})")
            return None
    else:
        try:
            data = yaml.load(text, Loader=_GovernanceYamlLoader)  # noqa: S506 - a SafeLoader subclass
        except yaml.reader.ReaderError as error:  # a character YAML does not allow, such as NUL
            character = f"U+{error.character:04X}" if isinstance(error.character, int) else repr(error.character)
            where = _line_and_column(text, error.position)
            problems.add("", f"not valid YAML: the character {character} is not allowed ({where})")
            return None
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
            problems.add("", f"not valid YAML: {getattr(error, 'problem', None) or error}{at}")
            return None
    _check_text_everywhere(data, problems)
    return None if problems else data


# Text no database can store: NUL (PostgreSQL refuses it) and halves of a surrogate pair
# on their own (not encodable as UTF-8).
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


def _check_text_everywhere(data, problems: Problems) -> None:
    """Note each key or text value, at any depth, that holds unstorable characters, and each key given twice."""
    stack = [("", data)]
    while stack:  # no recursion: the depth is already bounded, but a loop needs no stack to be
        where, value = stack.pop()
        if isinstance(value, str):
            found = _UNSTORABLE.search(value)
            if found:
                what = "a NUL character" if found.group() == chr(0) else "an unpaired surrogate"
                problems.add(where, f"contains {what} (at character {found.start() + 1}); remove it")
        elif isinstance(value, dict):
            for key in getattr(value, "twice", ()):
                problems.add(
                    f"{where}.{key}" if where else str(key),
                    "given twice in the same mapping; the second would silently replace the first",
                )
            for key, item in reversed(value.items()):
                place = f"{where}.{key}" if where else str(key)
                if isinstance(key, str) and _UNSTORABLE.search(key):
                    problems.add(where, f"the key {key!r} contains a NUL character or an unpaired surrogate")
                    continue
                stack.append((place, item))
        elif isinstance(value, list):
            stack.extend((f"{where}[{i}]", item) for i, item in reversed(list(enumerate(value))))
