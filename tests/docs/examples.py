"""The runnable GraphQL examples of the guide (docs/**/*.md) and the README, read from the markdown.

An example is a ```graphql fence whose line before is an HTML comment (invisible on the site):

    <!-- run: as=learner lessonId=lesson json=variables expect=IDEMPOTENCY_KEY_REUSED -->

- `as=` anonymous, learner or instructor (the demo accounts): who sends it; required.
- `NAME=SOURCE`: variable `$NAME` takes an id or code fetched from the demo content by SOURCE
  (the sources are in test_examples.py: course, lesson, problem, class, joinCode, card, job).
- `json=variables`: the next fence, a ```json block, holds the variables; `json=NAME`: it holds the
  value of `$NAME`.
- `expect=CODE`: the example shows a failure: at least one error (a GraphQL error's
  `extensions.code` or a payload's `errors[].code`) and every error with that code.

Every operation of the block runs, in order, each with the variables it declares.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
ROLES = ("anonymous", "learner", "instructor")
MARKER = re.compile(r"^<!-- run: (?P<options>.*?) -->$")
FENCE = re.compile(r"^(?P<indent>\s*)(?P<ticks>`{3,}|~{3,})(?P<lang>[\w-]*)\s*$")


@dataclass(frozen=True)
class Block:
    """One fenced code block and the marker on the line before it, if any."""

    path: Path
    line: int  # of the opening fence, 1-based
    end: int  # of the closing fence
    lang: str
    text: str
    marker: str | None

    @property
    def where(self) -> str:
        shown = self.path.relative_to(ROOT) if self.path.is_relative_to(ROOT) else self.path
        return f"{shown}:{self.line}"


@dataclass(frozen=True)
class Example:
    where: str
    document: str
    role: str
    expect: str | None = None
    variables: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)


def markdown_files() -> list[Path]:
    return [*sorted((ROOT / "docs").rglob("*.md")), ROOT / "README.md"]


def blocks(path: Path) -> list[Block]:
    lines = path.read_text(encoding="utf-8").split("\n")
    found: list[Block] = []
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        ticks = opening["ticks"]
        close = index + 1
        while close < len(lines) and lines[close].strip() != ticks:
            close += 1
        if close == len(lines):
            raise ValueError(f"{path}:{index + 1}: unclosed fence")
        indent = len(opening["indent"])
        text = "\n".join(line[indent:] for line in lines[index + 1 : close])
        before = MARKER.match(lines[index - 1].strip()) if index > 0 else None
        marker = before["options"] if before else None
        found.append(Block(path, index + 1, close + 1, opening["lang"], text, marker))
        index = close + 1
    return found


def parse_marker(options: str, where: str) -> tuple[str, str | None, str | None, dict[str, str]]:
    """(role, expected code, json target, variable sources) of a marker's options."""
    pairs: dict[str, str] = {}
    for token in options.split():
        name, sep, value = token.partition("=")
        if not sep or not name or not value or name in pairs:
            raise ValueError(f"{where}: bad marker option {token!r} (NAME=VALUE, each name once)")
        pairs[name] = value
    role = pairs.pop("as", None)
    if role not in ROLES:
        raise ValueError(f"{where}: the marker needs as= one of {', '.join(ROLES)}")
    return role, pairs.pop("expect", None), pairs.pop("json", None), pairs


def examples(paths: list[Path] | None = None) -> list[Example]:
    found: list[Example] = []
    for path in paths or markdown_files():
        page = blocks(path)
        lines = path.read_text(encoding="utf-8").split("\n")
        for index, block in enumerate(page):
            if block.marker is None:
                continue
            if block.lang != "graphql":
                raise ValueError(f"{block.where}: a run marker stands before a {block.lang or 'plain'} block")
            role, expect, target, sources = parse_marker(block.marker, block.where)
            variables: dict[str, Any] = {}
            if target is not None:
                following = page[index + 1] if index + 1 < len(page) else None
                between = lines[block.end : following.line - 1] if following else []
                if following is None or following.lang != "json" or any(line.strip() for line in between):
                    raise ValueError(f"{block.where}: json={target} needs a ```json block right after it")
                value = json.loads(following.text)
                variables = value if target == "variables" else {target: value}
            found.append(Example(block.where, block.text, role, expect, variables, sources))
    return found


def unmarked_graphql(paths: list[Path] | None = None) -> list[str]:
    """Where a ```graphql block carries no run marker: an example nobody would run."""
    return [b.where for p in paths or markdown_files() for b in blocks(p) if b.lang == "graphql" and b.marker is None]
