"""Files the tool writes (reports, baselines, audit pages, fixes) are written as Unix tools
write them: through symlinks, in place on devices and FIFOs, atomically over regular files
with their mode kept; nothing outside the walked tree, nothing the user may not write."""
from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from conftest import run_cli, run_cli_fast

DRAFT = "As I said, the fee is waived. Please check your account and let me know if it looks right.\n"
ROOT_ONLY = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")


def _draft(tmp_path: Path, name: str = "draft.txt") -> Path:
    path = tmp_path / name
    path.write_text(DRAFT, encoding="utf-8")
    return path


def test_report_through_a_symlink_writes_its_target_and_keeps_the_link(tmp_path):
    draft = _draft(tmp_path)
    target = tmp_path / "reports" / "report.json"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "report-link.json"
    link.symlink_to(target)
    result = run_cli_fast("check", "--isolated", "--format", "json", "-o", str(link), str(draft))
    assert result.returncode == 1, result.stderr
    assert link.is_symlink() and '"EMP301"' in target.read_text(encoding="utf-8")


def test_an_existing_report_keeps_its_mode_and_a_new_one_gets_the_umasks(tmp_path):
    draft = _draft(tmp_path)
    existing = tmp_path / "existing.txt"
    existing.write_text("old", encoding="utf-8")
    existing.chmod(0o640)
    run_cli_fast("check", "--isolated", "-o", str(existing), str(draft))
    assert stat.S_IMODE(existing.stat().st_mode) == 0o640 and "EMP301" in existing.read_text(encoding="utf-8")
    fresh = tmp_path / "fresh.txt"
    mask = os.umask(0o022)
    try:
        run_cli_fast("check", "--isolated", "-o", str(fresh), str(draft))
    finally:
        os.umask(mask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644


def test_a_report_to_a_fifo_reaches_its_reader_and_the_fifo_stays(tmp_path):
    draft = _draft(tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    result = run_cli("check", "--isolated", "-o", str(fifo), str(draft))
    reader.join(timeout=60)
    assert result.returncode == 1, result.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and "EMP301" in received[0]


@ROOT_ONLY
def test_a_report_to_a_device_node_writes_to_the_device(tmp_path):
    """`-o /dev/null` as root once turned the machine's /dev/null into a regular file.
    Tested on a null device node of our own (same major and minor as /dev/null)."""
    draft = _draft(tmp_path)
    null = tmp_path / "null"
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    result = run_cli_fast("check", "--isolated", "-o", str(null), str(draft))
    assert result.returncode == 1, result.stderr
    assert stat.S_ISCHR(null.lstat().st_mode)


def test_a_directory_as_output_is_a_one_line_error(tmp_path):
    result = run_cli_fast("check", "--isolated", "-o", str(tmp_path), str(_draft(tmp_path)))
    assert result.returncode == 2 and "is a directory" in result.stderr and "Traceback" not in result.stderr


def test_update_baseline_writes_through_a_symlink_and_keeps_the_mode(tmp_path):
    draft = _draft(tmp_path)
    real = tmp_path / "real-baseline.json"
    real.write_text("", encoding="utf-8")
    real.chmod(0o664)
    link = tmp_path / "baseline.json"
    link.symlink_to(real)
    result = run_cli_fast("check", "--isolated", "--baseline", str(link), "--update-baseline", str(draft))
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and '"empathy-lint"' in real.read_text(encoding="utf-8")
    assert stat.S_IMODE(real.stat().st_mode) == 0o664


def test_audit_json_writes_through_a_symlink(tmp_path):
    export = tmp_path / "export.csv"
    export.write_text("customer,reply\nmy order is late,As I said it ships Monday.\n", encoding="utf-8")
    target = tmp_path / "summary.json"
    target.write_text("{}", encoding="utf-8")
    link = tmp_path / "summary-link.json"
    link.symlink_to(target)
    result = run_cli_fast("audit", str(export), "--json", str(link))
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and '"replies"' in target.read_text(encoding="utf-8")


def test_a_walk_skips_symlinks_that_leave_the_tree_and_fix_never_writes_through_them(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = _draft(outside, "secret.txt")
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "leak.txt").symlink_to(secret)
    inside = _draft(tree, "mine.txt")
    (tree / "alias.txt").symlink_to(inside)  # a link inside the tree is read as usual
    result = run_cli_fast("check", "--isolated", "--fix", str(tree))
    assert "leak.txt: skipped, symlink to a file outside" in result.stderr
    assert secret.read_text(encoding="utf-8") == DRAFT
    assert "As I said" not in inside.read_text(encoding="utf-8")


def test_fix_refuses_a_read_only_file(tmp_path):
    draft = _draft(tmp_path)
    draft.chmod(0o444)
    result = run_cli_fast("check", "--isolated", "--fix", str(draft))
    assert result.returncode == 2 and "Permission denied" in result.stderr
    assert draft.read_text(encoding="utf-8") == DRAFT and stat.S_IMODE(draft.stat().st_mode) == 0o444


def test_fix_refuses_a_file_of_another_user_in_a_folder_it_may_write(tmp_path, monkeypatch):
    """Replacing it would give the file to whoever ran the fix: an unprivileged run
    refuses instead (the run's user is played by a patched geteuid)."""
    from empathy_lint.write import fixes

    draft = _draft(tmp_path)
    draft.chmod(0o666)
    owner = draft.stat().st_uid
    monkeypatch.setattr(fixes.os, "geteuid", lambda: owner + 1 if owner + 1 != 0 else 2)
    with pytest.raises(PermissionError, match="belongs to another user"):
        fixes.write_atomic(draft, "fixed", fixes.Encoding("utf-8"), expected=DRAFT)
    assert draft.read_text(encoding="utf-8") == DRAFT and draft.stat().st_uid == owner


def test_fix_on_a_fifo_is_an_error_not_a_hang(tmp_path):
    fifo = tmp_path / "draft.txt"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_text(DRAFT, encoding="utf-8"))
    writer.start()
    result = run_cli("check", "--isolated", "--fix", str(fifo))
    writer.join(timeout=10)
    assert result.returncode == 2 and "not a regular file" in result.stderr


def test_an_edit_saved_during_the_fix_is_kept(tmp_path, monkeypatch):
    """The file is read again right before the rename: an edit saved while the fix's
    fsync ran (a slow disk) is not overwritten."""
    from empathy_lint.write import fixes

    draft = _draft(tmp_path)
    real_fsync = os.fsync

    def slow_disk(fd: int) -> None:
        real_fsync(fd)
        draft.write_text("Edited by a person meanwhile.\n", encoding="utf-8")

    monkeypatch.setattr(fixes.os, "fsync", slow_disk)
    written = fixes.write_atomic(draft, DRAFT.replace("As I said", "To recap"), fixes.Encoding("utf-8"),
                                 expected=DRAFT)
    assert written is False and draft.read_text(encoding="utf-8") == "Edited by a person meanwhile.\n"
    assert [p.name for p in tmp_path.iterdir()] == ["draft.txt"]
