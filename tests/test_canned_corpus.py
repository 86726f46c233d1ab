"""The real canned replies of the labelled set, written as a macros repo in three formats.

They must lint without a crash, each reply must be found, and a reply must get the same
findings whether it sits in a markdown file, a YAML macro file or a Zendesk export.
"""
from __future__ import annotations

import json
import shutil
from collections import Counter

import pytest
import yaml

from conftest import run_cli_fast as run_cli


@pytest.fixture(scope="module")
def canned(dev_records):
    return [r for r in dev_records if r["kind"] == "canned"]


@pytest.fixture(scope="module")
def repo(tmp_path_factory, canned):
    root = tmp_path_factory.mktemp("canned")
    (root / "md").mkdir()
    for record in canned:
        (root / "md" / f"{record['id']}.md").write_text(
            f"---\ntitle: {json.dumps(record['id'])}\n---\n{record['reply']}\n", encoding="utf-8")
    (root / "macros.yaml").write_text(
        yaml.safe_dump([{"title": r["id"], "body": r["reply"]} for r in canned], allow_unicode=True, width=80),
        encoding="utf-8")
    (root / "zendesk.json").write_text(json.dumps({"macros": [
        {"id": i, "title": r["id"], "actions": [{"field": "comment_value", "value": ["channel:all", r["reply"]]}]}
        for i, r in enumerate(canned)]}, indent=2), encoding="utf-8")
    result = run_cli("--format", "json", "--kind", "canned", "--fail-on", "never", str(root))
    assert result.returncode == 0, result.stderr
    assert "error" not in result.stderr
    data = json.loads(result.stdout)
    data["root"] = root
    return data


def by_format(data):
    out = {"md": {}, "yaml": {}, "json": {}}
    for file in data["files"]:
        for f in file["findings"]:
            if file["path"].endswith(".md"):
                key, reply = "md", file["path"].rsplit("/", 1)[1][:-3]
            else:
                key, reply = ("yaml" if file["path"].endswith(".yaml") else "json"), f["reply"]
            out[key].setdefault(reply, Counter())[f["code"]] += 1
    return out


def test_every_reply_is_read_and_linted(repo, canned):
    assert len([f for f in repo["files"] if f["path"].endswith(".md")]) == len(canned)
    found = by_format(repo)
    assert len(found["yaml"]) > len(canned) / 2


def test_same_findings_in_every_format(repo):
    """Stock openings (EMP703) aside: they are judged per file (see below)."""
    found = by_format(repo)
    for fmt in found.values():
        for counts in fmt.values():
            counts.pop("EMP703", None)
    found = {fmt: {reply: counts for reply, counts in replies.items() if counts} for fmt, replies in found.items()}
    assert found["md"] == found["yaml"] == found["json"]


def test_findings_one_would_defend(repo):
    found = by_format(repo)["md"]
    assert found["cn-77"]["EMP202"] == 1       # "I'm sorry, but we don't understand the problem..."
    assert "EMP201" not in found.get("cn-96", {})  # canned: no apology demanded without a customer
    assert "EMP307" not in found.get("cn-42", {})  # "I'll describe things clearly" is not condescending


def test_stock_opening_shared_by_seven_macros_is_flagged_in_each_collection_file(repo, canned):
    """Seven of the real saved replies open with "Thanks for reporting this issue.": a
    script. Judged per file: the YAML file and the Zendesk export each hold all of them;
    the one-macro markdown files hold one opening each, so none is flagged there."""
    found = by_format(repo)
    flagged = {fmt: {reply for reply, codes in replies.items() if codes["EMP703"]} for fmt, replies in found.items()}
    assert len(flagged["yaml"]) == 7
    assert flagged["yaml"] == flagged["json"]
    assert flagged["md"] == set()
    for record in canned:
        if record["id"] in flagged["yaml"]:
            assert record["reply"].startswith("Thanks for reporting this issue.")


def test_stock_opening_verdict_does_not_depend_on_the_other_files_of_the_run(repo, tmp_path):
    """pre-commit lints the staged files only; CI lints the tree: same verdict on a file."""
    macros = tmp_path / "macros.yaml"
    shutil.copy(repo["root"] / "macros.yaml", macros)
    alone = run_cli("--format", "json", "--kind", "canned", "--fail-on", "never", "--select", "EMP703", str(macros))
    alone_flagged = sorted(f["reply"] for f in json.loads(alone.stdout)["files"][0]["findings"])
    in_tree = sorted(reply for reply, codes in by_format(repo)["yaml"].items() if codes["EMP703"])
    assert alone_flagged == in_tree and len(in_tree) == 7
