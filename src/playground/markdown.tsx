/**
 * The little Markdown Outlook's Smart Alerts dialog shows (errorMessageMarkdown): paragraphs, "- " bullet
 * lists, **bold**, *italic* and backslash escapes. Rendered as React text nodes only: never as HTML.
 */
import type { ReactNode } from "react";

type Span = { text: string; bold: boolean; italic: boolean };

/** Splits one line into bold/italic spans, honouring backslash escapes. */
export function inlineSpans(line: string): Span[] {
  const spans: Span[] = [];
  let bold = false;
  let italic = false;
  let buf = "";
  const flush = () => {
    if (buf) spans.push({ text: buf, bold, italic });
    buf = "";
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? "";
    if (c === "\\" && i + 1 < line.length) {
      buf += line[i + 1] ?? "";
      i++;
    } else if ((c === "*" || c === "_") && line[i + 1] === c) {
      flush();
      bold = !bold;
      i++;
    } else if (c === "*" || c === "_") {
      flush();
      italic = !italic;
    } else buf += c;
  }
  flush();
  return spans;
}

function Inline({ line }: { line: string }) {
  return (
    <>
      {inlineSpans(line).map((s, i) => {
        let node: ReactNode = s.text;
        if (s.italic) node = <em>{node}</em>;
        if (s.bold) node = <strong>{node}</strong>;
        return <span key={i}>{node}</span>;
      })}
    </>
  );
}

export function MiniMarkdown({ source }: { source: string }) {
  const blocks = source.replace(/\r\n/g, "\n").split(/\n{2,}/);
  return (
    <>
      {blocks.map((block, bi) => {
        const lines = block.split("\n").filter((l) => l.trim() !== "");
        if (lines.length > 0 && lines.every((l) => /^\s*[-*]\s+/.test(l))) {
          return (
            <ul key={bi} className="pg-md-list">
              {lines.map((l, li) => (
                <li key={li}>
                  <Inline line={l.replace(/^\s*[-*]\s+/, "")} />
                </li>
              ))}
            </ul>
          );
        }
        return (
          <p key={bi} className="pg-md-p">
            {lines.map((l, li) => (
              <span key={li}>
                {li > 0 && <br />}
                <Inline line={l} />
              </span>
            ))}
          </p>
        );
      })}
    </>
  );
}
