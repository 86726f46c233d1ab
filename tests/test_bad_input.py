"""The README's bad-input table, row by row, through the CLI: findings or one clean error line."""
from __future__ import annotations

import codecs
import json
import os

import pytest

from conftest import run_cli

REPLY = "As I said, there's nothing we can do."


def one_error_line(result, *fragments):
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("empathy-lint: error: "), result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def lint_json(path, *args):
    result = run_cli("--format", "json", *args, str(path))
    return result, json.loads(result.stdout) if result.stdout else None


def test_empty_file(tmp_path):
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    result, data = lint_json(tmp_path / "empty.txt")
    assert result.returncode == 0 and data["files"][0]["findings"] == []


def test_whitespace_only_stdin():
    result = run_cli("check", "-", stdin=" \n\t\n")
    assert result.returncode == 0 and "No findings" in result.stdout


def test_binary_file_named_explicitly(tmp_path):
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    one_error_line(run_cli(str(path)), str(path), "binary")


@pytest.mark.parametrize("name, fragments", [
    ("draft.docx", ("a Word document", "save it as plain text (.txt)")),
    ("draft.msg", ("an Outlook message", "save the email as .eml or .txt")),
])
def test_a_draft_saved_as_a_document_says_how_to_check_it(tmp_path, name, fragments):
    """A draft saved from Word or Outlook is not text: the error says what to do."""
    path = tmp_path / name
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40)
    result = run_cli(str(path))
    one_error_line(result, str(path), *fragments, "empathy-lint check -")
    assert result.stdout == ""  # no "No findings in 0 files" beside the error: nothing was read


@pytest.mark.parametrize("name, data, fragments", [
    # A workbook of macros: binary (a zip), the way out is CSV.
    ("macros.xlsx", b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40, ("an Excel workbook", "save the sheet as CSV")),
    # A PDF or an Outlook file without a NUL in its head: no "save it as UTF-8" advice.
    ("draft.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", ("a PDF", "save it as plain text (.txt)")),
    ("draft.msg", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", ("an Outlook message", "save the email as .eml or .txt")),
    # Rich text is ASCII, so it read as a reply full of markup; TextEdit saves it by default.
    ("draft.rtf", b"{\\rtf1\\ansi {\\fonttbl}\\f0 As I said, no refunds.}", ("a rich-text (RTF) document",)),
    ("draft.txt", b"{\\rtf1\\ansi {\\fonttbl}\\f0 As I said, no refunds.}", ("a rich-text (RTF) document",)),
    # A workbook cut short (a download that stopped) has no NUL in its head: it was
    # linted as a reply of zip headers; an archive under a text name is no reply either.
    ("macros.xlsx", b"PK\x03\x04[Content_Types].xml", ("an Excel workbook", "save the sheet as CSV")),
    ("replies.txt", b"PK\x03\x04xl/sharedStrings.xml", ("a ZIP archive",)),
])
def test_a_document_format_is_named_whatever_its_bytes(tmp_path, name, data, fragments):
    path = tmp_path / name
    path.write_bytes(data)
    result = run_cli(str(path))
    one_error_line(result, str(path), *fragments, "empathy-lint check -")
    assert "not valid UTF-8" not in result.stderr  # no advice to re-save it as UTF-8 text


def test_invalid_utf8_then_encoding_option(tmp_path):
    path = tmp_path / "legacy.txt"
    path.write_bytes("Caf\xe9 \u2013 as I said, no.".encode("cp1252"))
    one_error_line(run_cli(str(path)), f"{path}:1:", "not valid UTF-8", "--encoding")
    result, data = lint_json(path, "--encoding", "cp1252", "--select", "EMP301")
    assert result.returncode == 1 and data["files"][0]["findings"][0]["column"] == 8
    result, _ = lint_json(path, "--encoding", "utf-8:replace", "--select", "EMP301")
    assert result.returncode == 1


def test_utf8_bom(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(codecs.BOM_UTF8 + REPLY.encode("utf-8"))
    result, data = lint_json(path, "--select", "EMP301")
    assert data["files"][0]["findings"][0]["column"] == 1


def test_utf16_file(tmp_path):
    path = tmp_path / "utf16.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + ("Hi,\r\n" + REPLY).encode("utf-16-le"))
    result, data = lint_json(path, "--select", "EMP301")
    assert (data["files"][0]["findings"][0]["line"], data["files"][0]["findings"][0]["column"]) == (2, 1)


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_cr_line_endings(tmp_path, newline):
    path = tmp_path / "endings.txt"
    path.write_bytes(newline.join(["Hi Sam,", "", "Thanks. " + REPLY]).encode("utf-8"))
    result, data = lint_json(path, "--select", "EMP301")
    finding = data["files"][0]["findings"][0]
    assert (finding["line"], finding["column"]) == (3, 9)
    text = path.read_bytes().decode("utf-8")
    assert text[finding["start"]:finding["end"]] == "As I said"


def test_large_file_limit_and_override(tmp_path):
    path = tmp_path / "export.json"
    filler = "We are looking into it and will update you. " * 12
    path.write_text(json.dumps([{"id": i, "reply": f"As I said, order {i} ships soon. {filler}"}
                                for i in range(2_500)]), encoding="utf-8")
    assert os.path.getsize(path) > 1024 * 1024
    one_error_line(run_cli("--max-size", "1", str(path)), str(path), "over the 1 MB limit", "--max-size")
    result = run_cli("--max-size", "2", "--select", "EMP301", "--format", "json", str(path))
    assert result.returncode == 1
    assert json.loads(result.stdout)["summary"]["findings"] == 2_500


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_a_record_export_is_not_refused_for_its_file_size(tmp_path, suffix):
    """A 40k-reply export over 10 MB is read record by record; only a reply over the
    per-reply limit is refused."""
    path = tmp_path / f"export{suffix}"
    filler = "We are looking into it and will update you. " * 12
    if suffix == ".csv":
        path.write_text("id,reply\n" + "".join(f'{i},"As I said, order {i} ships soon. {filler}"\n'
                                              for i in range(2_500)), encoding="utf-8")
    else:
        path.write_text("".join(json.dumps({"id": i, "reply": f"As I said, order {i} ships soon. {filler}"}) + "\n"
                                for i in range(2_500)), encoding="utf-8")
    assert os.path.getsize(path) > 1024 * 1024
    result = run_cli("--max-size", "1", "--select", "EMP301", "--format", "json", str(path))
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["summary"]["findings"] == 2_500


def test_single_overlong_reply(tmp_path):
    path = tmp_path / "novel.txt"
    path.write_text("word " * 120_000, encoding="utf-8")
    one_error_line(run_cli(str(path)), str(path), "over the limit", "split it")


def test_missing_path_and_directory(tmp_path):
    one_error_line(run_cli(str(tmp_path / "nope.txt")), "no such file or directory")
    (tmp_path / "replies").mkdir()
    (tmp_path / "replies" / "a.txt").write_text(REPLY, encoding="utf-8")
    assert run_cli(str(tmp_path / "replies")).returncode == 1  # a directory is walked


def test_malformed_yaml_rule_pack(tmp_path):
    pack = tmp_path / "pack.yaml"
    pack.write_text("family: x\nrules:\n  - id: EMP901\n    name: [unclosed\n", encoding="utf-8")
    one_error_line(run_cli("--rules", str(pack), stdin=REPLY), f"{pack}:", "invalid YAML")


def test_rule_failing_the_schema(tmp_path):
    pack = tmp_path / "pack.yaml"
    pack.write_text(open(os.path.join(os.path.dirname(__file__), "data", "house-pack.yaml")).read()
                    .replace("kind: forbid", "kind: banned"), encoding="utf-8")
    one_error_line(run_cli("--rules", str(pack), stdin=REPLY), f"{pack}:5:", "ACME101", "'kind'")


def test_token_pattern_spacy_rejects(tmp_path):
    pack = tmp_path / "pack.yaml"
    pack.write_text(open(os.path.join(os.path.dirname(__file__), "data", "house-pack.yaml")).read()
                    .replace('patterns: ["dear customer"]', "patterns: [[{LOWER: {REGEXP: x}, OP: '*'}]]"), encoding="utf-8")
    one_error_line(run_cli("--rules", str(pack), stdin=REPLY), "ACME101", "token pattern rejected by spaCy")


def test_token_pattern_word_no_token_can_be(tmp_path):
    pack = tmp_path / "pack.yaml"
    pack.write_text(open(os.path.join(os.path.dirname(__file__), "data", "house-pack.yaml")).read()
                    .replace('patterns: ["dear customer"]', "patterns: [[{LOWER: we}, {LOWER: \"can't\"}]]"), encoding="utf-8")
    one_error_line(run_cli("--rules", str(pack), stdin=REPLY), f"{pack}:", "ACME101", "no token is \"can't\"")


def test_unknown_rule_code_in_select():
    one_error_line(run_cli("--select", "EMP999", stdin=REPLY), "'EMP999' matches no rule")


def test_malformed_config(tmp_path):
    (tmp_path / ".empathy-lint.yaml").write_text("select: EMP301\nfail-on: sometimes\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text(REPLY, encoding="utf-8")
    one_error_line(run_cli(str(tmp_path / "a.txt")), "fail-on", "sometimes")


def test_python_object_tag_in_a_rule_file_is_refused(tmp_path):
    pack = tmp_path / "evil.yaml"
    marker = tmp_path / "pwned"
    pack.write_text(f"family: x\nrules: !!python/object/apply:os.system ['touch {marker}']\n", encoding="utf-8")
    one_error_line(run_cli("--rules", str(pack), stdin=REPLY), str(pack), "refused")
    assert not marker.exists()


def test_python_object_tag_in_a_macro_file_is_refused(tmp_path):
    macro = tmp_path / "macros.yaml"
    marker = tmp_path / "pwned"
    macro.write_text(f"- body: !!python/object/apply:os.system ['touch {marker}']\n", encoding="utf-8")
    one_error_line(run_cli(str(macro)), f"{macro}:1:", "not allowed")
    assert not marker.exists()


def test_symlink_loop_in_a_directory_walk(tmp_path):
    (tmp_path / "replies").mkdir()
    (tmp_path / "replies" / "a.txt").write_text(REPLY, encoding="utf-8")
    os.symlink(tmp_path / "replies", tmp_path / "replies" / "loop")
    os.symlink(tmp_path / "x1.txt", tmp_path / "x2.txt")
    os.symlink(tmp_path / "x2.txt", tmp_path / "x1.txt")
    result, data = lint_json(tmp_path / "replies")
    assert result.returncode == 1 and len(data["files"]) == 1
    one_error_line(run_cli(str(tmp_path / "x1.txt")), "symlink loop")
