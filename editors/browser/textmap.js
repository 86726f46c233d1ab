// The text of a reply box as one string, and back from string offsets to the DOM.
// Offsets are JavaScript string indices (UTF-16 code units), as `empathy-lint serve`
// returns them. A contenteditable box's text is its text nodes in order, a line break
// for each <br> and at each block (div, p, li...) that starts after some text.
"use strict";

const EMPATHY_BLOCKS = new Set(["DIV", "P", "LI", "UL", "OL", "H1", "H2", "H3", "H4", "H5", "H6", "BLOCKQUOTE", "PRE", "TR"]);

function empathyTextOf(box) {
  if (box instanceof HTMLTextAreaElement || box instanceof HTMLInputElement) {
    return { text: box.value, pieces: null };
  }
  const pieces = [];
  let text = "";
  const walk = (node) => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) {
        pieces.push({ node: child, start: text.length, end: text.length + child.data.length });
        text += child.data;
      } else if (child.nodeType === Node.ELEMENT_NODE) {
        if (child.tagName === "BR") {
          text += "\n";
          continue;
        }
        if (EMPATHY_BLOCKS.has(child.tagName) && text && !text.endsWith("\n")) text += "\n";
        walk(child);
      }
    }
  };
  walk(box);
  return { text, pieces };
}

// The DOM position of string offset `offset` (a text node and an offset in it).
function empathyPosition(pieces, offset, preferEnd) {
  let last = null;
  for (const piece of pieces) {
    if (offset < piece.start) break;
    if (offset < piece.end || (offset === piece.end && preferEnd)) {
      return { node: piece.node, offset: offset - piece.start };
    }
    last = piece;
  }
  if (last && offset >= last.end) return { node: last.node, offset: last.node.data.length };
  return pieces.length ? { node: pieces[0].node, offset: 0 } : null;
}

function empathyRange(pieces, start, end) {
  const from = empathyPosition(pieces, start, false);
  const to = empathyPosition(pieces, end, true);
  if (!from || !to) return null;
  const range = document.createRange();
  range.setStart(from.node, from.offset);
  range.setEnd(to.node, to.offset);
  return range;
}
