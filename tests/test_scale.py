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


@pytest.mark.skipif(importlib.util.find_spec("distributed") is None,
                    reason="dask.distributed not installed (pip install -e '.[dev]')")
def test_dask_example_matches_lint_batch():
    spec = importlib.util.spec_from_file_location("dask_audit", ROOT / "examples" / "scale" / "dask_audit.py")
    example = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(example)
    export = ROOT / "examples" / "scale" / "sample_export.csv"
    result = example.audit(export, partitions=6, workers=2).set_index("id")
    with export.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    expected = {r.id: " ".join(sorted({f.code for f in r.findings}))
                for r in lint_batch({"id": row["id"], "reply": row["reply"], "customer": row["customer"] or None}
                                    for row in rows)}
    assert len(result) == len(rows)
    assert result["codes"].to_dict() == expected
    assert result["worker"].nunique() == 2  # both worker processes did work


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

    from empathy_lint import runner
    from empathy_lint.config import Config
    from empathy_lint.runner import Job, Runner, run_parallel, split_jobs
    from empathy_lint.sources import load_document

    lines = [json.dumps({"id": r["id"], "reply": r["reply"], "customer": r.get("customer"), "kind": "canned"})
             for r in dev_records]
    for i in range(20):  # a stock opening spread over the whole file: no one piece holds enough
        lines.insert(i * 12, json.dumps({"id": f"s{i}", "reply": f"Thanks for reporting this issue. Step {i}.",
                                         "kind": "canned"}))
    text = "\n".join(lines) + "\n"
    job = Job(load_document(str(tmp_path / "export.jsonl"), text), Config())
    monkeypatch.setattr(runner, "PIECE_REPLIES", 50)
    pieces = split_jobs([job], 2)
    assert len(pieces) >= 4 and {j for j, _ in pieces} == {0}
    serial = Runner().run([job]).reports[0]
    parallel = run_parallel([job], 2).reports[0]
    assert parallel.replies == serial.replies == len(lines)
    assert [f.to_dict() for f in parallel.findings] == [f.to_dict() for f in serial.findings]
    assert sum(f.code == "EMP703" for f in parallel.findings) >= 20  # judged over the whole file


def test_jobs_zero_means_every_core_and_large_runs_go_parallel_by_default():
    from empathy_lint.checking import AUTO_PARALLEL_REPLIES, available_cores, worker_count

    assert worker_count(0, 10) == available_cores()
    assert worker_count(3, 10) == 3
    assert worker_count(None, AUTO_PARALLEL_REPLIES - 1) == 1
    assert worker_count(None, AUTO_PARALLEL_REPLIES) == available_cores()
