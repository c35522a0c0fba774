"""One name per concept on the command line: an option that means the same thing is spelt the same in
every command (and declared once, in :mod:`entadvisor.click_fr`)."""

from __future__ import annotations

import click
import pytest

from entadvisor.cli import main

COMMANDS = sorted(main.commands)


def _options(name: str) -> dict[str, click.Option]:
    command = main.commands[name]
    return {param.name or "": param for param in command.params if isinstance(param, click.Option)}


@pytest.mark.parametrize("name", COMMANDS)
def test_the_parallel_processes_option_has_one_name(name: str):
    for option in _options(name).values():
        if "-j" in option.opts:
            assert option.opts == ["-j", "--processus"] and option.name == "processus", (name, option.opts)


def test_the_commands_that_work_in_parallel_all_have_it():
    assert [name for name in COMMANDS if "processus" in _options(name)] == ["evaluer", "verifier"]


def test_the_word_document_option_is_the_same_in_every_command():
    docx = {name: _options(name)["docx"] for name in COMMANDS if "docx" in _options(name)}
    assert sorted(docx) == ["conseil", "rapport"]
    assert len({(tuple(o.opts), o.help) for o in docx.values()}) == 1
