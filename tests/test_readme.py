"""The README tells a newcomer what `make run` does: the same demo people as its banner
and as `pathways demo`, the port setting, and one layout section."""

from __future__ import annotations

import re
from pathlib import Path

from pathways import demo

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
BANNER = "\n".join(
    line for line in (ROOT / "Makefile").read_text(encoding="utf-8").splitlines() if "@echo" in line
)


def test_the_readme_and_the_banner_name_every_demo_person_and_no_other():
    table = README.split("## Trying each role")[1].split("\n## ")[0]
    listed = re.findall(r"^\| `([a-z]+)` \|", table, flags=re.MULTILINE)
    assert listed == [u.login for u in demo.USERS]
    for user in demo.USERS:
        assert re.search(rf"\b{user.login}\b", BANNER), user.login
        assert user.name in table


def test_the_readme_names_the_port_setting_and_has_one_layout_section():
    assert "make run PORT=8080" in README
    assert README.count("\n## Layout") == 1
    assert README.count("## Browser tests") == 1
