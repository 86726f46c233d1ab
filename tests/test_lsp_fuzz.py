"""The language server survives 1,000 random edits with random Unicode (pytest-lsp).

Every diagnostics notification must lie inside the text of the version it reports,
and the server must never log an error or die.
"""
from __future__ import annotations

import random
import sys

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

ALPHABET = ("abcdefghij ,.!?'\"\n\r\t" "éüß—’“”" "😀🙏👍🏽" "\u200b\u2028\u0085" "{}[]<>%#*`-"
            "As I said sorry but no problem simply please let me know ")


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "empathy_lint", "lsp"]))
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(capabilities=types.ClientCapabilities()))
    yield
    await lsp_client.shutdown_session()


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def to_position(text: str, offset: int) -> types.Position:
    prefix = text[:offset].replace("\r\n", "\n").replace("\r", "\n")
    line = prefix.count("\n")
    return types.Position(line=line, character=utf16_len(prefix[prefix.rfind("\n") + 1:]))


def lines_of(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


async def test_thousand_random_edits(client, tmp_path):
    rng = random.Random(1123)
    uri = (tmp_path / "draft.md").as_uri()
    text = "Hi Sam,\n\nAs I said, there's nothing we can do.\n"
    versions = {1: text}
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)))
    for version in range(2, 1002):
        start = rng.randrange(len(text) + 1)
        # Never split a CRLF pair or a surrogate-free code point: edit at code point boundaries.
        if 0 < start < len(text) and text[start - 1] == "\r" and text[start] == "\n":
            start -= 1
        end = min(len(text), start + rng.choice([0, 0, 1, 3, 10]))
        if 0 < end < len(text) and text[end - 1] == "\r" and text[end] == "\n":
            end += 1
        insert = "".join(rng.choice(ALPHABET) for _ in range(rng.choice([0, 1, 2, 5, 20])))
        change = types.TextDocumentContentChangePartial(
            range=types.Range(to_position(text, start), to_position(text, end)), text=insert)
        text = text[:start] + insert + text[end:]
        versions[version] = text
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[change]))

    published = 0
    while True:
        params = await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        if params.uri != uri:
            continue
        published += 1
        lines = lines_of(versions[params.version])
        for d in params.diagnostics:
            for pos in (d.range.start, d.range.end):
                assert pos.line < len(lines), (params.version, d)
                assert pos.character <= utf16_len(lines[pos.line]), (params.version, d)
        if params.version == 1001:
            break
    assert published >= 2
    assert client.error is None
    assert not [m for m in client.log_messages if m.type == types.MessageType.Error]
    # The server still answers requests after the storm.
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(0, 0)))
    assert hover is None or hover.contents
