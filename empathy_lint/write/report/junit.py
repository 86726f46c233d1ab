"""`--format junit`: one testcase per file; a file fails when it has failing findings."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any, Callable, TextIO

from empathy_lint.write.report import Collector, FileReport

# Characters XML 1.0 cannot hold (control characters but tab and line breaks, lone
# surrogates, U+FFFE/U+FFFF): a title or file name holding one made the report invalid.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` with each character XML cannot hold shown as an escape (\\x1b, \\ud800,
    \\ufffe), as the text report shows control characters."""
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}" if m.group() < "\x80" else f"\\u{ord(m.group()):04x}",
                        text)


def render(reports: list[FileReport], *, fails: Callable[[str], bool] = lambda s: s != "info",
           **_: Any) -> str:
    suite = ET.Element("testsuite", name="empathy-lint")
    failures = 0
    for report in reports:
        case = ET.SubElement(suite, "testcase", classname="empathy-lint", name=xml_safe(report.path))
        failing = [f for f in report.findings if fails(f.severity)]
        if failing:
            failures += 1
            failure = ET.SubElement(case, "failure", type="empathy",
                                    message=f"{len(failing)} finding(s): " + ", ".join(sorted({f.code for f in failing})))
            failure.text = xml_safe("\n".join(
                f"{report.path}:{f.line}:{f.column}: {f.code} [{f.severity}] {f.message}"
                + (f" ({f.reply})" if f.reply else "") for f in report.findings))
        elif report.findings:
            ET.SubElement(case, "system-out").text = xml_safe("\n".join(
                f"{report.path}:{f.line}:{f.column}: {f.code} [{f.severity}] {f.message}" for f in report.findings))
    suite.set("tests", str(len(reports)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    root = ET.Element("testsuites", tests=str(len(reports)), failures=str(failures))
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


class Writer(Collector):
    """JUnit counts the failing files in its root element, before any test case: the
    reports are kept and the document written at the end."""

    def __init__(self, out: TextIO, *, fails: Callable[[str], bool] = lambda s: s != "info", **_: Any) -> None:
        super().__init__(out)
        self.fails = fails

    def close(self, known: int | None = None) -> None:
        self.out.write(render(self.reports, fails=self.fails))
