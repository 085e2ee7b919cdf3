"""The README stays a newcomer's page whose links into the guide lead somewhere (mkdocs checks the
guide's own links; the README is outside it)."""

from __future__ import annotations

import re

from tests.docs.examples import ROOT

README = ROOT / "README.md"
LINK = re.compile(r"\]\((?P<target>[^)#\s]+)(#[^)]*)?\)")


def test_every_relative_link_of_the_readme_names_a_file() -> None:
    targets = [m["target"] for m in LINK.finditer(README.read_text()) if "://" not in m["target"]]

    missing = [target for target in targets if not (ROOT / target).is_file()]

    assert targets
    assert missing == []


def test_the_readme_stays_short() -> None:
    assert len(README.read_text().splitlines()) <= 150, "move the detail into docs/"
