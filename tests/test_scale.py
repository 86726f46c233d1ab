"""lint_batch: streaming order, process pool, records; and the Dask example gives the same answers."""
from __future__ import annotations

import csv
import importlib.util

import pytest

from conftest import ROOT
from empathy_lint import lint_batch
from empathy_lint.config import Config


def codes(results):
    return [(r.index, r.id, sorted(f.code for f in r.findings)) for r in results]


def test_lint_batch_accepts_strings_and_records_in_order(dev_records):
    texts = [r["reply"] for r in dev_records[:50]]
    by_text = codes(lint_batch(iter(texts), chunk_size=7))
    assert [i for i, _, _ in by_text] == list(range(50))
    records = [{"id": r["id"], "reply": r["reply"]} for r in dev_records[:50]]
    by_record = codes(lint_batch(records))
    assert [c for _, _, c in by_record] == [c for _, _, c in by_text]
    assert [rid for _, rid, _ in by_record] == [r["id"] for r in dev_records[:50]]


def test_customer_context_in_records():
    results = list(lint_batch([
        {"id": "a", "reply": "Glad to hear it!", "customer": "Thanks, that fixed it!"},
        {"id": "b", "reply": "Glad to hear it!", "customer": "My order is three weeks late and nobody answers"},
    ]))
    assert "EMP201" not in {f.code for f in results[0].findings}
    assert "EMP201" in {f.code for f in results[1].findings}


def test_process_pool_gives_the_same_results(dev_records):
    records = [{"id": r["id"], "reply": r["reply"], "customer": r.get("customer")} for r in dev_records]
    assert codes(lint_batch(records, n_process=2, chunk_size=40)) == codes(lint_batch(records))


def test_record_without_reply_is_an_error():
    with pytest.raises(ValueError, match="no 'reply'"):
        list(lint_batch([{"id": "x", "text": "hi"}], Config()))


def example(name: str):
    """One of examples/scale/'s scripts as a module (not registered in sys.modules, so
    Spark pickles its functions by value, as it does for a script run as __main__)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "examples" / "scale" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EXPORT = ROOT / "examples" / "scale" / "sample_export.csv"


def lint_batch_codes_of_export() -> dict[str, str]:
    """What lint_batch alone finds in the sample export: id -> its sorted codes."""
    with EXPORT.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {r.id: " ".join(sorted({f.code for f in r.findings}))
            for r in lint_batch({"id": row["id"], "reply": row["reply"], "customer": row["customer"] or None}
                                for row in rows)}


@pytest.mark.skipif(importlib.util.find_spec("distributed") is None,
                    reason="dask.distributed not installed (pip install -e '.[dev]')")
def test_dask_example_matches_lint_batch():
    result = example("dask_audit").audit(EXPORT, partitions=6, workers=2).set_index("id")
    expected = lint_batch_codes_of_export()
    assert len(result) == len(expected)
    assert result["codes"].to_dict() == expected
    assert result["worker"].nunique() == 2  # both worker processes did work


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("pyspark") is None,
                    reason="pyspark not installed (pip install -e '.[dev]')")
def test_spark_example_on_local_2_matches_lint_batch():
    """The Spark recipe for real: a JVM, Spark's CSV reader, mapInPandas on two executor threads."""
    from conftest import installed

    installed("java", "openjdk-17-jre-headless")
    result = example("spark_audit").audit(EXPORT, master="local[2]", partitions=4).set_index("id")
    expected = lint_batch_codes_of_export()
    assert len(result) == len(expected) == 400   # Spark's CSV reader kept multi-line replies whole
    assert result["codes"].to_dict() == expected
    assert result["worker"].nunique() == 2        # two Python workers did work
    assert set(result["serious"]) > {0}


def test_check_jobs_gives_the_same_report(tmp_path, dev_records):
    import json

    from conftest import run_cli

    for r in dev_records[:60]:
        (tmp_path / f"{r['id']}.txt").write_text(r["reply"], encoding="utf-8")
    baseline = tmp_path / "baseline.json"
    serial = run_cli("--format", "json", str(tmp_path))
    parallel = run_cli("--format", "json", "--jobs", "2", str(tmp_path))
    assert json.loads(serial.stdout) == json.loads(parallel.stdout)
    assert run_cli("--jobs", "2", "--baseline", str(baseline), str(tmp_path)).returncode == 0
    assert run_cli("--jobs", "2", "--baseline", str(baseline), str(tmp_path)).returncode == 0


def test_one_export_is_cut_into_pieces_across_workers_with_the_same_report(tmp_path, dev_records, monkeypatch):
    """One JSONL export, --jobs 2: the replies are linted in pieces by two workers, the
    report (order, positions, stock openings judged over the whole file) is the serial one."""
    import json

    from empathy_lint.run import runner
    from empathy_lint.config import Config
    from empathy_lint.run.runner import Job, Runner, run_parallel, split_jobs
    from empathy_lint.read.sources import load_document

    lines = [json.dumps({"id": r["id"], "reply": r["reply"], "customer": r.get("customer"), "kind": "canned"})
             for r in dev_records]
    for i in range(20):  # a stock opening spread over the whole file: no one piece holds enough
        lines.insert(i * 12, json.dumps({"id": f"s{i}", "reply": f"Thanks for reporting this issue. Step {i}.",
                                         "kind": "canned"}))
    text = "\n".join(lines) + "\n"
    job = Job(load_document(str(tmp_path / "export.jsonl"), text), Config())
    monkeypatch.setattr(runner, "PIECE_REPLIES", 50)
    pieces = split_jobs([(0, job)], 2)
    assert len(pieces) >= 4 and {j for j, _ in pieces} == {0}
    serial = Runner().run([job]).reports[0]
    parallel = run_parallel([job], 2).reports[0]
    assert parallel.replies == serial.replies == len(lines)
    assert [f.to_dict() for f in parallel.findings] == [f.to_dict() for f in serial.findings]
    assert sum(f.code == "EMP703" for f in parallel.findings) >= 20  # judged over the whole file


def test_workers_get_tasks_of_about_a_piece_each(monkeypatch):
    """Tasks for the pool: every piece once, in order, grouped until a task holds
    PIECE_REPLIES replies (small files together, an export's runs about one each), so
    no task is an eighth of the export that leaves the other worker idle at the end."""
    from empathy_lint.run import runner
    from empathy_lint.config import Config
    from empathy_lint.run.runner import Job, _task_bounds
    from empathy_lint.read.sources import Document, Reply

    monkeypatch.setattr(runner, "PIECE_REPLIES", 10)
    sizes = [1, 3, 0, 10, 4, 4, 4, 25, 2]
    pieces = [(0, Job(Document(f"f{i}.txt", "x", [Reply.verbatim("x")] * n), Config())) for i, n in enumerate(sizes)]
    bounds = _task_bounds(pieces)
    assert bounds == [(0, 4), (4, 7), (7, 8), (8, 9)]
    assert [i for a, b in bounds for i in range(a, b)] == list(range(len(pieces)))


def _export_with_traps(records: list[dict]) -> str:
    """A JSONL export with what a run of records must not lose: a bad line, suppressions
    inside records far apart, stock openings spread over the file, blank lines."""
    import json

    lines = [json.dumps({"id": r["id"], "reply": r["reply"], "customer": r.get("customer"), "kind": "canned"})
             for r in records]
    for i in range(12):
        lines.insert(i * 9, json.dumps({"id": f"s{i}", "reply": f"Thanks for reporting this issue. Step {i}.",
                                        "kind": "canned"}))
    lines.insert(5, "{not json")
    lines.insert(30, "")
    for k in (3, 60, 140):
        lines[k] = json.dumps({"id": f"quiet{k}", "kind": "canned",
                               "reply": "As I said, per our policy. <!-- empathy-lint: disable EMP301 -->"})
        lines[k + 1] = json.dumps({"id": f"loud{k}", "kind": "canned", "reply": "As I said, per our policy."})
    return "\n".join(lines) + "\n"


def _whole_and_in_runs(path, text: str, size: int):
    from empathy_lint.run.runner import Job, Runner
    from empathy_lint.read.sources import Document, load_document, record_runs

    whole_document = load_document(str(path), text)
    whole = Runner().run([Job(whole_document, Config())])
    job = Job(Document(str(path), text), Config())
    runs = record_runs(str(path), text, {}, size)
    pieces = [(0, Job(job.document, job.config, records=run)) for run in runs]
    return whole_document, whole, Runner().run_pieces([job], pieces), runs


@pytest.mark.parametrize("size", [1, 7, 500])
def test_an_export_read_in_runs_of_records_gives_the_whole_file_report(tmp_path, dev_records, size):
    """Runs of records read one at a time: the same findings, positions, suppressions,
    stock openings (judged over the whole file), reply count and bad-record errors."""
    text = _export_with_traps(dev_records)
    whole_document, whole, in_runs, runs = _whole_and_in_runs(tmp_path / "export.jsonl", text, size)
    assert len(runs) == -(-sum(run.count for run in runs) // size)
    assert in_runs.reports[0].replies == whole.reports[0].replies == len(whole_document.replies)
    assert [f.to_dict() for f in in_runs.reports[0].findings] == [f.to_dict() for f in whole.reports[0].findings]
    assert in_runs.errors == whole_document.errors and len(in_runs.errors) == 1 and ":6:" in in_runs.errors[0]
    assert sorted(in_runs.fingerprints.values()) == sorted(whole.fingerprints.values())
    findings = whole.reports[0].findings
    assert sum(f.code == "EMP703" for f in findings) >= 12
    flagged = {f.id for f in findings if f.code == "EMP301"}
    assert {"loud3", "loud60", "loud140"} <= flagged  # a disable covers its own record only,
    assert not flagged & {"quiet3", "quiet60", "quiet140"}  # in whichever run it stands


def test_a_csv_export_read_in_runs_of_records_gives_the_whole_file_report(tmp_path, dev_records):
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["id", "title", "customer", "reply"])
    for r in dev_records:
        writer.writerow([r["id"], r.get("title") or "", r.get("customer") or "", r["reply"]])
    text = out.getvalue()
    assert '"' in text and "\n" in text.split("\r\n", 1)[1]  # quoted cells, line breaks inside some
    whole_document, whole, in_runs, _ = _whole_and_in_runs(tmp_path / "export.csv", text, 9)
    assert in_runs.reports[0].replies == len(whole_document.replies) == len(dev_records)
    assert [f.to_dict() for f in in_runs.reports[0].findings] == [f.to_dict() for f in whole.reports[0].findings]


def test_a_large_export_never_holds_all_its_replies_at_once(tmp_path, dev_records, monkeypatch):
    """check reads an export a run of records at a time and drops each window's replies
    once linted: at no point are more than a window and a run of them alive."""
    import gc
    import weakref

    from empathy_lint.run import checking
    from empathy_lint.run import runner
    from empathy_lint.read.sources import base

    text = _export_with_traps(dev_records * 3)
    export = tmp_path / "export.jsonl"
    export.write_text(text, encoding="utf-8")
    monkeypatch.setattr(checking, "RUN_RECORDS", 20)
    monkeypatch.setattr(runner, "WINDOW_REPLIES", 50)
    alive: list[weakref.ref] = []
    most = 0
    original_init = base.Reply.__init__

    def counted(self, *args, **kwargs):
        nonlocal most
        original_init(self, *args, **kwargs)
        alive.append(weakref.ref(self))
        gc.collect(0)
        alive[:] = [ref for ref in alive if ref() is not None]
        most = max(most, len(alive))

    monkeypatch.setattr(base.Reply, "__init__", counted)
    outcome = checking.run_check(checking.CheckOptions(files=[str(export)], jobs=1))
    assert outcome.reports[0].replies == len(dev_records) * 3 + 12
    assert most <= 50 + 20 + 20, most
    assert len(outcome.errors) == 1 and "export.jsonl:6:" in outcome.errors[0]


def _exports_with_traps(tmp_path, records: list[dict]):
    """A JSONL export (byte-order mark, CRLF, non-ASCII, a bad line, a blank line, a
    disable inside a record, a disable-next-line on the record before another) and a
    CSV export (quoted cells with line breaks, non-ASCII)."""
    import io
    import json

    lines = [json.dumps({"id": r["id"], "reply": r["reply"], "customer": r.get("customer")}, ensure_ascii=False)
             for r in records]
    lines.insert(5, "{not json")
    lines.insert(30, "")
    lines[60] = json.dumps({"id": "quiet", "reply": "As I said, per our policy. <!-- empathy-lint: disable EMP301 -->"})
    lines[61] = json.dumps({"id": "loud", "reply": "As I said, per our policy. Café ☕ réglé."}, ensure_ascii=False)
    lines[90] = json.dumps({"id": "before", "reply": "As I said, no. <!-- empathy-lint: disable-next-line EMP301 -->"})
    lines[91] = json.dumps({"id": "after", "reply": "As I said, no."})
    jsonl = tmp_path / "export.jsonl"
    jsonl.write_text("\ufeff" + "\r\n".join(lines) + "\n", encoding="utf-8")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["id", "title", "customer", "reply"])
    for r in records:
        writer.writerow([r["id"], r.get("title") or "", r.get("customer") or "", r["reply"] + " ünï ☕"])
    table = tmp_path / "export.csv"
    table.write_text(out.getvalue(), encoding="utf-8")
    return jsonl, table


@pytest.mark.parametrize("size", [1, 7])
def test_an_export_left_on_disk_gives_the_report_of_its_whole_text(tmp_path, dev_records, monkeypatch, size):
    """check leaves a UTF-8 export on disk and reads a run of records at a time (the
    CSV scan cut into 200-byte blocks, so rows go on across them): every format's
    report, exit code and errors are those of the same export read whole (as
    --encoding makes it), the run-crossing disable-next-line included."""
    from click.testing import CliRunner

    from empathy_lint.run import checking
    from empathy_lint.apps.cli import cli
    from empathy_lint.read.sources import filetext

    monkeypatch.setattr(checking, "RUN_RECORDS", size)
    monkeypatch.setattr(filetext, "_BLOCK_BYTES", 200)
    for export in _exports_with_traps(tmp_path, dev_records):
        outcome = checking.run_check(checking.CheckOptions(files=[str(export)], jobs=1))
        assert isinstance(outcome.reports[0].text, filetext.FileText)
        assert outcome.reports[0].replies == len(dev_records)
        if export.suffix == ".jsonl":
            emp301 = {f.id for f in outcome.reports[0].findings if f.code == "EMP301"}
            assert {"loud", "before"} <= emp301 and not emp301 & {"quiet", "after"}
            assert outcome.errors == [f"{export}:6:2: invalid JSON: Expecting property name enclosed in double quotes"]
        for output in ("text", "json", "sarif", "github", "junit"):
            on_disk = CliRunner().invoke(cli, ["check", "--format", output, "--jobs", "1", str(export)])
            whole = CliRunner().invoke(cli, ["check", "--format", output, "--jobs", "1", "--encoding", "utf-8-sig",
                                             str(export)])
            assert on_disk.exit_code == whole.exit_code and on_disk.exit_code in (1, 2)
            assert on_disk.output == whole.output, (export.name, output)


def test_an_export_left_on_disk_is_read_a_run_at_a_time(tmp_path, dev_records, monkeypatch):
    """Nothing reads the export whole: the scan goes line by line and each read from
    disk is one run of records (or the file's head), in --jobs 1 and --jobs 2 alike."""
    from pathlib import Path

    from empathy_lint.run import checking
    from empathy_lint.read import sources
    from empathy_lint.write.report import render_with, text
    from empathy_lint.read.sources import filetext

    jsonl, table = _exports_with_traps(tmp_path, dev_records)
    monkeypatch.setattr(checking, "RUN_RECORDS", 20)
    read_whole = []
    monkeypatch.setattr(Path, "read_bytes", lambda self: read_whole.append(self) or b"")
    monkeypatch.setattr(sources, "read_source", lambda *a, **k: read_whole.append(a) or "")
    longest = 0
    original = filetext.FileText.stretch

    def stretch(self, k):
        nonlocal longest
        text = original(self, k)
        longest = max(longest, len(text))
        return text

    monkeypatch.setattr(filetext.FileText, "stretch", stretch)
    for export in (jsonl, table):
        for jobs in (1, 2):
            outcome = checking.run_check(checking.CheckOptions(files=[str(export)], jobs=jobs))
            assert outcome.reports[0].replies == len(dev_records)
            assert "EMP" in render_with(text.Writer, outcome.reports)  # source lines read back, run by run
    assert not read_whole
    assert 0 < longest < jsonl.stat().st_size / 5


def test_an_export_left_on_disk_says_what_is_wrong_with_it_as_a_whole_read_would(tmp_path):
    """Bad bytes, NUL bytes, a CSV without a reply column, a header-only CSV, a blank
    file: the same one-line errors and notices as reading it whole; a UTF-16 export is
    read whole, with its codec, and linted."""
    from empathy_lint.run import checking

    cases = {
        "bad.jsonl": b'{"reply": "ok"}\n{"reply": "caf\xe9"}\n',
        "nul.jsonl": b'{"reply": "ok"}\x00\n',
        "nocol.csv": b"id,subject\n1,hello\n",
        "header.csv": b"id,reply\n",
        "blank.csv": b"\n  \n",
        "wide.jsonl": '{"reply": "As I said, no."}\n'.encode("utf-16"),
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    for name in cases:
        path = str(tmp_path / name)
        on_disk = checking.run_check(checking.CheckOptions(files=[path], jobs=1))
        whole = checking.run_check(checking.CheckOptions(files=[path], jobs=1, show_diff=True))
        assert (on_disk.errors, on_disk.notices) == (whole.errors, whole.notices), name
    bad = checking.run_check(checking.CheckOptions(files=[str(tmp_path / "bad.jsonl")], jobs=1))
    assert bad.errors == [f"{tmp_path / 'bad.jsonl'}:2: not valid UTF-8 (byte 0xe9 at offset 30); save it as "
                          "UTF-8, or pass --encoding (e.g. cp1252, or utf-8:replace)"]
    assert "no reply column" in checking.run_check(
        checking.CheckOptions(files=[str(tmp_path / "nocol.csv")], jobs=1)).errors[0]
    wide = checking.run_check(checking.CheckOptions(files=[str(tmp_path / "wide.jsonl")], jobs=1))
    assert [f.code for f in wide.reports[0].findings if f.code == "EMP301"] == ["EMP301"]


def test_jobs_zero_means_every_core_and_large_runs_go_parallel_by_default():
    from empathy_lint.run.checking import AUTO_PARALLEL_REPLIES, available_cores, worker_count

    assert worker_count(0, 10) == available_cores()
    assert worker_count(3, 10) == 3
    assert worker_count(None, AUTO_PARALLEL_REPLIES - 1) == 1
    assert worker_count(None, AUTO_PARALLEL_REPLIES) == available_cores()


def test_check_writes_an_exports_findings_while_it_is_still_linting(tmp_path, dev_records, monkeypatch):
    """The report of an export is written run by run: the writer has the first findings
    when the first window of replies is linted, not after the last."""
    import io
    import json

    from empathy_lint.run import checking
    from empathy_lint.run import runner
    from empathy_lint.write.report import Writer

    export = tmp_path / "export.jsonl"
    export.write_text("".join(json.dumps({"id": r["id"], "reply": r["reply"], "customer": r.get("customer")}) + "\n"
                              for r in dev_records), encoding="utf-8")
    monkeypatch.setattr(checking, "RUN_RECORDS", 20)
    monkeypatch.setattr(runner, "WINDOW_REPLIES", 40)
    windows = 0
    original = runner.Runner._lint_window

    def counting(self, window):
        nonlocal windows
        windows += 1
        yield from original(self, window)

    monkeypatch.setattr(runner.Runner, "_lint_window", counting)
    seen: list[tuple[int, int]] = []

    class Probe(Writer):
        def add(self, findings):
            super().add(findings)
            seen.append((windows, len(findings)))

    options = checking.CheckOptions(files=[str(export)], jobs=1)
    checking.run_check(options, lambda rules, fails: Probe(io.StringIO()))
    assert windows >= 5 and seen[0][0] == 1 and seen[-1][0] == windows
    kept = checking.run_check(options).reports[0].findings
    assert sum(n for _, n in seen) == len(kept) > 100


def test_an_export_changed_while_it_is_linted_stops_the_run_with_one_line(tmp_path, monkeypatch):
    """An export is read from disk run by run: one cut short, or saved again with other
    words of the same length, after it was scanned stops the run with a one-line error
    (exit 2), never a report of half-read or mixed records."""
    import json
    import os

    from click.testing import CliRunner

    from empathy_lint.run import checking
    from empathy_lint.apps.cli import cli

    export = tmp_path / "export.jsonl"
    rows = [json.dumps({"id": i, "reply": "As I said, per our policy."}) + "\n" for i in range(40)]
    export.write_text("".join(rows), encoding="utf-8")
    monkeypatch.setattr(checking, "RUN_RECORDS", 10)
    scan = checking.scan_export

    def scan_then_cut(path, readers, size):
        scanned = scan(path, readers, size)
        path.write_text("".join(rows[:15]), encoding="utf-8")
        return scanned

    def scan_then_edit(path, readers, size):  # same length, other words, saved a second later
        scanned = scan(path, readers, size)
        when = path.stat().st_mtime_ns + 1_000_000_000
        path.write_text("".join(rows).replace("policy", "POLICY"), encoding="utf-8")
        os.utime(path, ns=(when, when))
        return scanned

    for change in (scan_then_cut, scan_then_edit):
        export.write_text("".join(rows), encoding="utf-8")
        monkeypatch.setattr(checking, "scan_export", change)
        result = CliRunner().invoke(cli, ["check", "--format", "json", "--jobs", "1", str(export)])
        assert result.exit_code == 2, change.__name__
        assert f"{export}: changed or removed while it was being linted; run again" in result.output
        assert isinstance(result.exception, SystemExit)  # the CLI's own exit, not a traceback


def test_a_csv_row_that_never_ends_is_scanned_in_linear_time(tmp_path, monkeypatch):
    """An unclosed quote makes the rest of a CSV export one row: the scan carries it from
    block to block, and parses a text that at least doubles each time, so the work stays
    a small multiple of the file (it was one re-parse of the growing row per block)."""
    from empathy_lint.run import checking
    from empathy_lint.read.sources import filetext, structured

    export = tmp_path / "export.csv"
    rows = "".join(f"{i},Thanks for waiting. Your order ships today.\n" for i in range(4000))
    export.write_text("id,reply\n1,\"As I said, no.\n" + rows, encoding="utf-8")
    monkeypatch.setattr(filetext, "_BLOCK_BYTES", 1024)
    parsed = 0
    original = structured._csv_records

    def counted(text, delimiter, start=0, end=None):
        nonlocal parsed
        parsed += (len(text) if end is None else end) - start
        yield from original(text, delimiter, start, end)

    monkeypatch.setattr(structured, "_csv_records", counted)
    outcome = checking.run_check(checking.CheckOptions(files=[str(export)], jobs=1))
    size = export.stat().st_size
    assert parsed < 6 * size, (parsed, size)
    assert outcome.reports[0].replies == 1  # one reply: the unclosed quote's rest of the file
