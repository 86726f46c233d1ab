"""Saved-reply collections as maintainers keep them, linted with no config.

`tests/data/collections/repo` is a repository root: saved replies in the layouts real
projects use (fenced bodies under headings in .github/SAVED_REPLIES.md, a .github
replies.yml, `**Title:**` + quoted bodies, `---- Name` and `=== Name ===` markers,
`#` categories holding `###` replies under a style-guide preamble), next to what every
repository also has (README, CONTRIBUTING, LICENSE, workflows, issue forms, a manifest).
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import run_cli_fast as run_cli
from empathy_lint.read.sources import load_document

REPO = Path(__file__).parent / "data" / "collections" / "repo"

# file -> the replies in it, by name, as a maintainer reads them
EXPECTED = {
    ".github/SAVED_REPLIES.md": ["Duplicate issue", "Needs a reproduction", "Out of scope"],
    ".github/replies.yml": ["needs-info", "stale", "thanks-pr"],
    "docs/canned-responses.md": ["Report received", "Not a vulnerability", "Fixed"],
    "docs/helpscout-templates.txt": ["Refund processed", "Password reset", "Shipping delay"],
    "docs/bugzilla-responses.md": ["Needs info", "Wontfix", "Fixed upstream"],
    "docs/support-macros.md": ["Double charge", "Card declined", "Lost parcel", "Address change"],
}


def read(rel: str):
    path = REPO / rel
    return load_document(str(path), path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("rel", sorted(EXPECTED))
def test_every_reply_of_each_layout_is_read_by_name(rel):
    assert [r.name for r in read(rel).replies] == EXPECTED[rel]


def test_a_fenced_body_is_the_reply_and_an_example_in_another_language_is_not():
    replies = read(".github/SAVED_REPLIES.md").replies
    assert replies[0].text.startswith("Thanks for taking the time to report this!")
    assert "```" not in "".join(r.text for r in replies)
    assert not any("saved_replies: true" in r.text for r in replies)  # the ```yaml example
    assert not any("Copy the block" in r.text for r in replies)  # the preamble


def test_quoted_bodies_are_read_without_their_quote_marks_and_notes_are_not_prose():
    replies = read("docs/canned-responses.md").replies
    assert all(">" not in r.text for r in replies)
    assert "Use when" not in replies[0].text and "Tone:" not in "".join(r.text for r in replies)
    assert "Thank you for reporting this to us." in replies[0].text


def test_mixed_heading_levels_pick_the_level_of_the_replies_not_the_preamble():
    replies = read("docs/support-macros.md").replies
    assert not any("Write like a person" in r.text for r in replies)
    assert "Agent note" not in replies[1].text and "your card was declined" in replies[1].text


def test_a_subject_line_is_not_part_of_the_reply():
    assert "Subject" not in read("docs/helpscout-templates.txt").replies[0].text


def test_a_single_draft_with_one_rule_line_stays_one_reply(tmp_path):
    draft = tmp_path / "draft.md"
    draft.write_text("Hi Sam, I'm sorry the parcel is late.\n\n---\n\nBest, Ana\n", encoding="utf-8")
    assert len(load_document(str(draft), draft.read_text()).replies) == 1


SETEXT = """Refund delay
{rule}

Hi {{name}},

As I said, refunds take ten days to process.

Outage
{rule}

Hi {{name}},

There's nothing we can do about the outage, I'm afraid.

Shipping times
{rule}

Hi {{name}},

Orders ship within 2 business days.

Thanks,
---
Ana
"""


@pytest.mark.parametrize("underline", ["-", "="])
def test_setext_headings_name_the_replies_as_atx_headings_do(tmp_path, underline):
    """`Title` over `---` (or `===`) is a heading in markdown, not a rule between
    replies: each reply is named by it and does not end with the next one's title. A
    closing "Thanks," over a rule stays in its reply."""
    path = tmp_path / "saved-replies.md"
    path.write_text(SETEXT.replace("{rule}", underline * 8), encoding="utf-8")
    replies = load_document(str(path), path.read_text(encoding="utf-8")).replies
    assert [r.name for r in replies] == ["Refund delay", "Outage", "Shipping times"]
    assert not any(title in replies[0].text for title in ("Outage", "---", "==="))
    assert replies[2].text.rstrip().endswith("Ana")
    atx = tmp_path / "atx.md"
    atx.write_text("## Refund delay\n\nAs I said, refunds take ten days.\n\n## Outage\n\nThere's nothing we "
                   "can do.\n", encoding="utf-8")
    assert [r.name for r in load_document(str(atx), atx.read_text()).replies] == ["Refund delay", "Outage"]


def test_a_signature_over_each_separator_is_no_setext_heading(tmp_path):
    """Replies cut by `---` lines, each ending in a signature line after a blank one: in
    CommonMark "Sam" over `---` is a heading, but the layout that reads every reply
    wins, so no reply is lost and none is named "Sam"."""
    path = tmp_path / "replies.md"
    path.write_text("\n---\n".join(f"Hi there,\n\n{body}\n\nSam" for body in (
        "Refunds take five business days to reach your card once issued.",
        "As I said, the outage is over and everything is working again.",
        "Please send us your order number so we can take a look for you.")) + "\n", encoding="utf-8")
    replies = load_document(str(path), path.read_text(encoding="utf-8")).replies
    assert len(replies) == 3 and not any(r.name == "Sam" for r in replies)
    assert "Refunds take five" in replies[0].text


@pytest.fixture(scope="module")
def walked():
    result = run_cli("--format", "json", "--fail-on", "never", str(REPO))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), result.stderr


def test_walking_a_repository_root_reads_the_replies_and_nothing_else(walked):
    data, _ = walked
    read_files = {Path(f["path"]).relative_to(REPO).as_posix(): f["replies"] for f in data["files"]}
    assert read_files == {rel: len(names) for rel, names in EXPECTED.items()}
    assert data["summary"]["replies"] == sum(len(n) for n in EXPECTED.values())


def test_text_summary_says_how_many_replies_in_how_many_files():
    result = run_cli("--fail-on", "never", str(REPO))
    total = sum(len(n) for n in EXPECTED.values())
    assert f"in {total} replies in {len(EXPECTED)} files." in result.stdout


def _body_lines(rel: str) -> set[int]:
    """Line numbers (1-based) of each reply's own text: not a heading, title, note or subject."""
    document = read(rel)
    lines = set()
    for reply in document.replies:
        for offset, char in enumerate(reply.text):
            if not char.isspace():
                start, _ = reply.origin.to_source(offset, offset + 1)
                lines.add(document.text.count("\n", 0, start) + 1)
    return lines


def test_every_finding_points_into_a_reply_body(walked):
    data, _ = walked
    for file in data["files"]:
        rel = Path(file["path"]).relative_to(REPO).as_posix()
        body = _body_lines(rel)
        text = (REPO / rel).read_text(encoding="utf-8").splitlines()
        for finding in file["findings"]:
            assert finding["line"] in body, (rel, finding["code"], text[finding["line"] - 1])


def test_files_in_a_walk_are_canned_and_a_draft_named_alone_is_live(tmp_path):
    """A macro with no word of trouble is not asked for an apology; a live draft is."""
    (tmp_path / "macros").mkdir()
    macro = tmp_path / "macros" / "export.txt"
    macro.write_text("Here is how to export your data: open Settings, then Export. Let me know "
                     "if you need anything else.\n", encoding="utf-8")
    walked = run_cli("--format", "json", "--select", "EMP201", str(tmp_path / "macros"))
    named = run_cli("--format", "json", "--select", "EMP201", str(macro))
    pre_commit = run_cli("--format", "json", "--select", "EMP201", "--default-kind", "canned", str(macro))
    assert json.loads(walked.stdout)["files"][0]["findings"] == []
    assert [f["code"] for f in json.loads(named.stdout)["files"][0]["findings"]] == ["EMP201"]
    assert json.loads(pre_commit.stdout)["files"][0]["findings"] == []


def test_a_collection_named_alone_is_read_as_a_walk_reads_it(tmp_path):
    """A file of several saved replies named on the command line is a collection, not a
    draft: its how-to macros are not asked for an apology (they were, as live drafts with
    no customer message). A draft named alone, one answering --customer, and --kind live
    stay live."""
    direct = json.loads(run_cli("--format", "json", "--select", "EMP201", str(MASTER)).stdout)["files"][0]
    canned = json.loads(run_cli("--format", "json", "--select", "EMP201", "--kind", "canned",
                                str(MASTER)).stdout)["files"][0]
    assert direct["findings"] == canned["findings"]
    asked = {f["reply"] for f in direct["findings"]}
    assert "Billing - Refund issued" in asked  # a refund: trouble in its own words
    assert not asked & {"Billing - Invoice copy", "Account - Password reset link"}  # how-tos
    live = json.loads(run_cli("--format", "json", "--select", "EMP201", "--kind", "live", str(MASTER)).stdout)
    assert {"Billing - Invoice copy", "Account - Password reset link"} <= {
        f["reply"] for f in live["files"][0]["findings"]}
    macros = tmp_path / "macros.txt"
    macros.write_text("---- Export\nOpen Settings, then Export.\n---- Invoices\nOpen Billing, then Invoices.\n",
                      encoding="utf-8")
    customer = tmp_path / "customer.txt"
    customer.write_text("My invoice is wrong and nobody answers!\n", encoding="utf-8")
    findings = json.loads(run_cli("--format", "json", "--select", "EMP201", str(macros)).stdout)["files"][0]
    assert findings["replies"] == 2 and findings["findings"] == []
    answered = run_cli("--format", "json", "--select", "EMP201", "--customer", str(customer), str(macros))
    assert len(json.loads(answered.stdout)["files"][0]["findings"]) == 2


def test_config_kind_wins_over_the_walk_default(tmp_path):
    (tmp_path / "macros").mkdir()
    (tmp_path / "macros" / "export.txt").write_text("Open Settings, then Export.\n", encoding="utf-8")
    (tmp_path / ".empathy-lint.yaml").write_text("kind: live\n", encoding="utf-8")
    result = run_cli("--format", "json", "--select", "EMP201", str(tmp_path / "macros"))
    assert [f["code"] for f in json.loads(result.stdout)["files"][0]["findings"]] == ["EMP201"]


def test_force_exclude_skips_named_files_that_are_not_replies(tmp_path):
    shutil.copy(REPO / "README.md", tmp_path / "README.md")
    shutil.copy(REPO / "docs" / "bugzilla-responses.md", tmp_path / "replies.md")
    named = [str(tmp_path / "README.md"), str(tmp_path / "replies.md")]
    plain = json.loads(run_cli("--format", "json", "--fail-on", "never", *named).stdout)
    forced = json.loads(run_cli("--format", "json", "--fail-on", "never", "--force-exclude", *named).stdout)
    assert len(plain["files"]) == 2
    assert [Path(f["path"]).name for f in forced["files"]] == ["replies.md"]


def test_a_walk_skips_build_and_api_manifests(tmp_path):
    """A repository's pipeline and API files hold sentences ("run: pip install and run the
    tests"), not replies: a walk of its root reads the macros only."""
    step = "steps:\n  - run: pip install the package and run the tests\n"
    for name in ("bitbucket-pipelines.yml", "cloudbuild.yaml", "openapi.yaml", "azure-pipelines.yml"):
        (tmp_path / name).write_text(step, encoding="utf-8")
    (tmp_path / "macros").mkdir()
    (tmp_path / "macros" / "refund.txt").write_text("Sorry about that! I have refunded you.\n", encoding="utf-8")
    report = json.loads(run_cli("--format", "json", "--fail-on", "never", str(tmp_path)).stdout)
    assert [Path(f["path"]).name for f in report["files"]] == ["refund.txt"]


def test_default_exclude_can_be_turned_off(tmp_path):
    shutil.copy(REPO / "README.md", tmp_path / "README.md")
    shutil.copy(REPO / "docs" / "bugzilla-responses.md", tmp_path / "replies.md")
    default = json.loads(run_cli("--format", "json", "--fail-on", "never", str(tmp_path)).stdout)
    (tmp_path / ".empathy-lint.yaml").write_text("default-exclude: false\n", encoding="utf-8")
    everything = json.loads(run_cli("--format", "json", "--fail-on", "never", str(tmp_path)).stdout)
    assert [Path(f["path"]).name for f in default["files"]] == ["replies.md"]
    assert sorted(Path(f["path"]).name for f in everything["files"]) == ["README.md", "replies.md"]


def test_a_folder_named_like_a_project_document_is_still_walked(tmp_path):
    """`security/` full of canned replies is not the SECURITY policy file."""
    (tmp_path / "security").mkdir()
    shutil.copy(REPO / "docs" / "canned-responses.md", tmp_path / "security" / "responses.md")
    data = json.loads(run_cli("--format", "json", "--fail-on", "never", str(tmp_path)).stdout)
    assert [f["replies"] for f in data["files"]] == [3]


def test_a_file_too_large_in_a_walk_is_skipped_with_a_notice(tmp_path):
    shutil.copy(REPO / "docs" / "bugzilla-responses.md", tmp_path / "replies.md")
    (tmp_path / "export.json").write_text(json.dumps([{"body": "Thanks! " * 200_000}]), encoding="utf-8")
    result = run_cli("--format", "json", "--fail-on", "never", "--max-size", "1", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "export.json: 1.5 MB is over the 1 MB limit" in result.stderr and "skipped" in result.stderr
    assert [Path(f["path"]).name for f in json.loads(result.stdout)["files"]] == ["replies.md"]
    named = run_cli("--max-size", "1", str(tmp_path / "export.json"))
    assert named.returncode == 2  # named on the command line: the user asked for it
    hook = run_cli("--max-size", "1", "--force-exclude", str(tmp_path / "export.json"), str(tmp_path / "replies.md"))
    assert hook.returncode == 1 and "skipped" in hook.stderr  # as the pre-commit hook runs it


def test_one_giant_reply_gets_a_notice_naming_the_reader_and_the_setting(tmp_path):
    body = "\n\n".join(f"**Step {i}**: Open the settings page and choose option {i}, then save." for i in range(60))
    path = tmp_path / "guide.md"
    path.write_text(body + "\n", encoding="utf-8")
    result = run_cli("--fail-on", "never", str(path))
    assert "read as one reply of" in result.stderr and "markdown reader" in result.stderr
    assert "readers.markdown_split" in result.stderr


def test_a_reply_file_with_no_reply_gets_a_notice(tmp_path):
    path = tmp_path / "saved.md"
    path.write_text("# Saved replies\n\n## Example\n\n```yaml\nkey: value\n```\n", encoding="utf-8")
    result = run_cli("--fail-on", "never", str(path))
    assert "the markdown reader found no replies" in result.stderr


MACROS_YAML = """\
# empathy-lint: disable EMP702
- name: stale
  # empathy-lint: disable EMP307
  body: |
    This issue has had no activity, so it will be closed. Obviously, you can reopen it.
- name: reopen
  body: |
    Obviously, you can reopen it. Let us know if you need anything else.
"""


def test_a_disable_inside_one_yaml_macro_covers_that_macro_only(tmp_path):
    path = tmp_path / "macros.yaml"
    path.write_text(MACROS_YAML, encoding="utf-8")
    data = json.loads(run_cli("--format", "json", "--select", "EMP307", str(path)).stdout)
    assert [f["reply"] for f in data["files"][0]["findings"]] == ["reopen"]


def test_a_disable_inside_one_json_macro_covers_that_macro_only(tmp_path):
    path = tmp_path / "macros.json"
    path.write_text(json.dumps([
        {"title": "stale", "body": "<!-- empathy-lint: disable EMP307 -->Obviously, you can reopen it."},
        {"title": "reopen", "body": "Obviously, you can reopen it."},
    ], indent=2), encoding="utf-8")
    data = json.loads(run_cli("--format", "json", "--select", "EMP307", str(path)).stdout)
    assert [f["reply"] for f in data["files"][0]["findings"]] == ["reopen"]


def test_a_disable_in_the_file_header_still_covers_every_macro(tmp_path):
    path = tmp_path / "macros.yaml"
    path.write_text("# empathy-lint: disable EMP307\n" + MACROS_YAML, encoding="utf-8")
    data = json.loads(run_cli("--format", "json", "--select", "EMP307", str(path)).stdout)
    assert data["files"][0]["findings"] == []


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_directives_in_a_collection_cut_for_the_workers_keep_their_scope(tmp_path, jobs):
    """A collection of 3,000 macros is cut into pieces across the workers: a `disable`
    inside the first macro stays that macro's in every piece (it once silenced the rule
    in all the later pieces), a file-header `disable` and a `disable-line` still hold."""
    sections = ["## Macro 0\n\n<!-- empathy-lint: disable EMP301 -->\nAs I said, no.\n"]
    sections += [f"## Macro {i}\n\nAs I said, no. Calm down.\n" for i in range(1, 3000)]
    sections[2000] = "## Macro 2000\n\nAs I said, no. <!-- empathy-lint: disable-line EMP301 -->\nCalm down.\n"
    path = tmp_path / "macros.md"
    path.write_text("\n".join(sections), encoding="utf-8")
    data = json.loads(run_cli("--format", "json", "--select", "EMP301,EMP305", "--jobs", jobs, str(path)).stdout)
    found = [(f["code"], f["reply"]) for f in data["files"][0]["findings"]]
    assert sorted({r for c, r in found if c == "EMP301"}, key=lambda r: int(r.split()[1])) == [
        f"Macro {i}" for i in range(1, 3000) if i != 2000]
    assert sum(c == "EMP305" for c, _ in found) == 2999
    path.write_text("<!-- empathy-lint: disable EMP305 -->\n" + "\n".join(sections), encoding="utf-8")
    data = json.loads(run_cli("--format", "json", "--select", "EMP301,EMP305", "--jobs", jobs, str(path)).stdout)
    assert {f["code"] for f in data["files"][0]["findings"]} == {"EMP301"}


def test_the_pre_commit_hook_lints_staged_files_as_a_walk_would():
    hooks = (Path(__file__).parent.parent / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert "--force-exclude" in hooks and "--default-kind canned" in hooks


def test_the_hook_hands_over_every_reply_format_and_no_hidden_folder_but_github():
    """pre-commit filters what a commit touched with the hook's `files` and `exclude`
    (re.search): every format the readers know goes in (a .tsv macro export as much as a
    .md), a hidden file or folder does not (.changeset notes, .gitlab templates), as a
    walk passes over them, but .github's saved replies do."""
    import re

    import yaml

    from empathy_lint.read.sources import REPLY_SUFFIXES

    (hook,) = yaml.safe_load((Path(__file__).parent.parent / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    files, exclude = re.compile(hook["files"]), re.compile(hook["exclude"])
    assert all(files.search(f"macros/refund{suffix}") for suffix in REPLY_SUFFIXES)
    for hidden in (".changeset/calm-cats.md", ".gitlab/issue_templates/Bug.md", "macros/.draft.md", ".empathy-lint.yaml"):
        assert exclude.search(hidden), hidden
    for shown in (".github/SAVED_REPLIES.md", ".github/replies.yml", "macros/refund.md", "docs/v1.2/refund.md"):
        assert not exclude.search(shown), shown


def test_a_commit_with_no_reply_in_it_passes_the_hook(tmp_path):
    """The hook is handed whatever a commit touched. A README alone, or a note in a hidden
    folder a walk never enters, has no reply to check: the commit passes (exit 0, with a
    notice, as ruff does under --force-exclude) instead of failing with "no reply files".
    A saved reply under .github is still checked."""
    (tmp_path / "README.md").write_text("# Macros\n\nAs I said, these are the team's replies.\n", encoding="utf-8")
    (tmp_path / ".changeset").mkdir()
    (tmp_path / ".changeset" / "calm-cats.md").write_text("As I said, the build is fixed.\n", encoding="utf-8")
    hook = ("--force-exclude", "--default-kind", "canned")
    result = run_cli(*hook, "README.md", ".changeset/calm-cats.md", cwd=tmp_path)
    assert result.returncode == 0 and "nothing to check" in result.stderr and "EMP301" not in result.stdout
    (tmp_path / ".github").mkdir()
    (tmp_path / ".github" / "SAVED_REPLIES.md").write_text("As I said, there is nothing we can do.\n", encoding="utf-8")
    saved = run_cli(*hook, "README.md", ".github/SAVED_REPLIES.md", cwd=tmp_path)
    assert saved.returncode == 1 and "SAVED_REPLIES.md:1:1: EMP301" in saved.stdout and "README" not in saved.stdout
    named = run_cli(".changeset/calm-cats.md", cwd=tmp_path)  # named without the hook's flag: read
    assert named.returncode == 1 and "EMP301" in named.stdout



def test_a_repository_cloned_under_a_folder_named_like_an_excluded_one_is_still_checked(tmp_path):
    """The not-replies list ("vendor/", "node_modules/") is matched from the repository's
    root, not from `/`: a clone under /srv/vendor/ is checked by the hook and the editor,
    and its own vendor/ folder is still passed over."""
    repo = tmp_path / "vendor" / "macros"
    (repo / "vendor").mkdir(parents=True)
    (repo / "refund.md").write_text("As I said, no.\n", encoding="utf-8")
    (repo / "vendor" / "lib.md").write_text("As I said, no.\n", encoding="utf-8")
    hook = run_cli("--force-exclude", "--default-kind", "canned", "refund.md", "vendor/lib.md", cwd=repo)
    assert hook.returncode == 1 and "refund.md:1:1: EMP301" in hook.stdout and "lib.md" not in hook.stdout
    from empathy_lint.apps.lsp_check import DocumentChecker
    from empathy_lint.config import Config

    editor = DocumentChecker()
    editor.roots = [str(repo)]
    refund, lib = repo / "refund.md", repo / "vendor" / "lib.md"
    assert not editor.skipped(refund, Config(), editor.walked(refund))
    assert editor.skipped(lib, Config(), editor.walked(lib))
    assert editor.default_kind(repo / "refund.md") == "canned"


def test_a_named_file_the_config_excludes_is_a_notice_not_an_error(tmp_path):
    """An editor's run-on-save names the file it saved; where the config excludes it, the
    run says so and passes (as ESLint does for an ignored file), instead of "no reply
    files found" with exit 2; the other files named are checked as usual."""
    (tmp_path / ".empathy-lint.yaml").write_text('exclude: ["drafts/**"]\n', encoding="utf-8")
    (tmp_path / "drafts").mkdir()
    (tmp_path / "drafts" / "old.md").write_text("As I said, no.\n", encoding="utf-8")
    (tmp_path / "refund.md").write_text("As I said, no.\n", encoding="utf-8")
    alone = run_cli("drafts/old.md", cwd=tmp_path)
    assert alone.returncode == 0, alone.stderr
    assert "drafts/old.md is excluded (the config's exclude)" in alone.stderr and not alone.stdout.strip()
    both = run_cli("drafts/old.md", "refund.md", cwd=tmp_path)
    assert both.returncode == 1 and "refund.md:1:1: EMP301" in both.stdout and "old.md" not in both.stdout
    assert run_cli("missing.md", cwd=tmp_path).returncode == 2



def test_a_piped_buffer_named_as_an_excluded_file_is_passed_over_and_handed_back(tmp_path):
    """Editors pipe the buffer with --stdin-filename (and --force-exclude, as for ruff): a
    name CI passes over is not checked, and --fix hands the text back unchanged, since the
    editor replaces the buffer with what comes out."""
    (tmp_path / ".empathy-lint.yaml").write_text('exclude: ["drafts/**"]\n', encoding="utf-8")
    text = "As I said, no.\n"
    for name, flags in (("drafts/old.md", ()), ("README.md", ("--force-exclude",)),
                        (".changeset/calm-cats.md", ("--force-exclude",))):
        checked = run_cli(*flags, "--stdin-filename", name, "-", stdin=text, cwd=tmp_path)
        assert checked.returncode == 0 and f"{name} is excluded" in checked.stderr and not checked.stdout, name
        fixed = run_cli(*flags, "--fix", "--stdin-filename", name, "-", stdin=text, cwd=tmp_path)
        assert fixed.returncode == 0 and fixed.stdout == text, name
    kept = run_cli("--force-exclude", "--stdin-filename", "macros/refund.md", "-", stdin=text, cwd=tmp_path)
    assert kept.returncode == 1 and "macros/refund.md:1:1: EMP301" in kept.stdout


def test_rules_around_a_greeting_and_signature_do_not_make_a_collection(tmp_path):
    draft = tmp_path / "draft.md"
    draft.write_text("Hi Sam,\n\n---\n\nI'm sorry the parcel is late; I've resent it today.\n\n---\n\nBest, Ana\n",
                     encoding="utf-8")
    assert len(load_document(str(draft), draft.read_text()).replies) == 1
    macros = tmp_path / "macros.md"
    macros.write_text("Thanks for the report, we will look at it this week.\n\n---\n\n"
                      "This is fixed in the nightly build, please try it.\n\n---\n\n"
                      "We can't reproduce this; could you send a minimal example?\n", encoding="utf-8")
    assert len(load_document(str(macros), macros.read_text()).replies) == 3


def test_a_large_data_file_in_a_walk_is_skipped_and_the_run_goes_on(tmp_path):
    """Issue 29.2: a 1.4 MB blocklist under assets/ (past spaCy's 1,000,000-character
    limit) stopped the whole run with an internal error; now it is skipped with a notice
    naming the file and why, and the replies around it are linted."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "blocklist.txt").write_text(
        "".join(f"domain{i}.example.com\n" for i in range(60_000)), encoding="utf-8")
    (tmp_path / "reply.txt").write_text("As I said, the fee is waived.\n", encoding="utf-8")
    result = run_cli("check", "--isolated", str(tmp_path))
    assert result.returncode == 1 and "EMP301" in result.stdout
    assert "blocklist.txt: skipped" in result.stderr and "a data file, not a reply" in result.stderr
    assert "internal error" not in result.stderr


MASTER = Path(__file__).parent / "data" / "collections" / "template-master.md"
MASTER_REPLIES = ["Billing - Double charge", "Billing - Refund issued", "Billing - Invoice copy",
                  "Account - Password reset link", "Account - Two-factor locked out",
                  "Shipping - Delayed order", "Shipping - Wrong address"]


def master_findings() -> list[dict]:
    report = json.loads(run_cli("--format", "json", "--default-kind", "canned", str(MASTER)).stdout)
    (checked,) = report["files"]
    assert checked["replies"] == len(MASTER_REPLIES)
    return checked["findings"]


def test_a_template_master_is_read_as_its_replies_each_by_title():
    """Issue 29.1: a Help Scout template master (a preamble of naming conventions, voice
    rules, a variables table, subject-line and status conventions and a "to add later"
    list, all `###` sections like the replies; `#` categories) is its seven replies."""
    assert [r.name for r in load_document(str(MASTER), MASTER.read_text(encoding="utf-8")).replies] == MASTER_REPLIES
    assert {f["reply"] for f in master_findings()} <= set(MASTER_REPLIES)


def test_staff_notes_in_a_template_master_are_not_judged_and_quoted_replies_are():
    lines = MASTER.read_text(encoding="utf-8").splitlines()
    findings = master_findings()
    flagged = {lines[f["line"] - 1] for f in findings}
    for note in ("Use when:", "Support channel only", "**Subject:**", "_(then", "#", "| "):
        assert not [line for line in flagged if line.lstrip().startswith(note)], note
    # The quoted-body layout: the quote is the reply (read without its marks), the notes
    # around it are not.
    wrong_address = {f["code"]: lines[f["line"] - 1] for f in findings if f["reply"] == "Shipping - Wrong address"}
    assert "As I said" in wrong_address["EMP301"]
    assert "nothing we can do" in wrong_address["EMP306"]
    # Its apology, next step and follow-up are in the quote: nothing missing there.
    assert not [f for f in findings if f["reply"] == "Shipping - Delayed order"]


def test_guide_sections_need_no_greeting_to_stay_replies_in_a_collection_without_greetings():
    """The preamble rule must not eat GitHub-style saved replies (no greeting, no
    placeholder anywhere) nor a reply that is a list of steps."""
    from empathy_lint.read.sources.apparatus import guide_sections

    github_style = [("Duplicate issue", "This is a duplicate of an existing issue; closing."),
                    ("Reset steps", "1. Open Settings\n2. Choose Security\n3. Reset"),
                    ("Needs a reproduction", "Could you share a minimal reproduction?")]
    assert guide_sections(github_style) == set()
    greeted = [("Variables", "| `{{name}}` | first name |"),
               ("Tone of voice", "- Write as yourself.\n- Apologise once."),
               ("Refund", "Hi {{name}},\n\nYour refund is on its way."),
               ("Style", "Hi {{name}}, here's how to change the style of your page: ..."),
               ("Reset steps", "1. Open Settings\n2. Choose Security")]
    # The style guide and the table are guides; a reply titled like a guide that greets is
    # a reply; a list of steps after the first greeted reply stays a reply.
    assert guide_sections(greeted) == {0, 1}


def test_a_template_master_with_windows_line_breaks_reads_the_same(tmp_path):
    crlf = tmp_path / "template-master.md"
    crlf.write_bytes(MASTER.read_text(encoding="utf-8").replace("\n", "\r\n").encode("utf-8"))
    lf = json.loads(run_cli("--format", "json", "--default-kind", "canned", str(MASTER)).stdout)["files"][0]
    report = json.loads(run_cli("--format", "json", "--default-kind", "canned", str(crlf)).stdout)["files"][0]
    assert report["replies"] == lf["replies"] == len(MASTER_REPLIES)
    assert [(f["code"], f["line"], f["reply"]) for f in report["findings"]] == \
        [(f["code"], f["line"], f["reply"]) for f in lf["findings"]]
