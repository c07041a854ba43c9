import { unzipSync, strFromU8 } from "fflate";
import { htmlToText } from "../../directory/normalise.js";

/**
 * Text of an attachment, for student detection only (runs inside the extraction worker). Formats:
 * PDF (unpdf: Mozilla's pdf.js for servers), Word .docx (mammoth), Excel .xlsx (fflate + the sheet XML),
 * plain text and CSV, HTML, RTF, attached mails (.eml: postal-mime; Outlook .msg: @kenjiuno/msgreader).
 * Anything else, or a file that yields no text (a scan, an image), is unreadable with a reason. The text
 * never leaves the process: no temporary file, no log.
 */

export type Extracted = { status: "read"; text: string } | { status: "unreadable"; reason: UnreadReason };
export type UnreadReason = "encrypted" | "no-text" | "image" | "unsupported" | "damaged" | "timeout";

/** Attached mails inside attached mails: followed this deep. */
const MAX_DEPTH = 3;

const starts = (b: Uint8Array, sig: number[]): boolean => sig.every((x, i) => b[i] === x);
const ext = (name: string): string => /\.([a-z0-9]{1,8})$/i.exec(name)?.[1]?.toLowerCase() ?? "";

type Kind = "pdf" | "zip" | "rtf" | "ole" | "image" | "html" | "text" | "eml" | "unknown";

function kindOf(b: Uint8Array, name: string, contentType = ""): Kind {
  if (starts(b, [0x25, 0x50, 0x44, 0x46])) return "pdf"; // %PDF
  if (starts(b, [0x50, 0x4b, 0x03, 0x04])) return "zip";
  if (starts(b, [0x7b, 0x5c, 0x72, 0x74, 0x66])) return "rtf"; // {\rtf
  if (starts(b, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return "ole";
  if (
    starts(b, [0x89, 0x50, 0x4e, 0x47]) ||
    starts(b, [0xff, 0xd8, 0xff]) ||
    starts(b, [0x47, 0x49, 0x46, 0x38]) ||
    starts(b, [0x49, 0x49, 0x2a, 0x00]) ||
    starts(b, [0x4d, 0x4d, 0x00, 0x2a]) ||
    starts(b, [0x42, 0x4d]) ||
    /^image\//i.test(contentType)
  )
    return "image";
  const e = ext(name);
  const ct = contentType.toLowerCase();
  if (e === "eml" || ct.startsWith("message/rfc822")) return "eml";
  if (e === "html" || e === "htm" || ct.startsWith("text/html")) return "html";
  if (["txt", "csv", "tsv", "md", "log", "xml", "json", "ics", "vcf"].includes(e) || ct.startsWith("text/")) return "text";
  return "unknown";
}

/** UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 (older Dutch exports). */
export function decodeText(b: Uint8Array): string {
  if (starts(b, [0xff, 0xfe])) return new TextDecoder("utf-16le").decode(b.subarray(2));
  if (starts(b, [0xfe, 0xff])) return new TextDecoder("utf-16be").decode(b.subarray(2));
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(b);
  } catch {
    return new TextDecoder("windows-1252").decode(b);
  }
}

const XML_ENTITIES: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

function decodeXmlEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (whole, ref: string) => {
    if (ref[0] === "#") {
      const code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : " ";
    }
    // Other named HTML entities are left for the detector's normalisation (it decodes accented letters).
    return XML_ENTITIES[ref.toLowerCase()] ?? whole;
  });
}

/**
 * RTF reduced to text: control words dropped, \'hh (Windows-1252) and \uN escapes decoded, destinations
 * that hold no body text (font and colour tables, pictures, \* groups) skipped.
 */
export function rtfToText(rtf: string): string {
  const out: string[] = [];
  const cp1252 = new TextDecoder("windows-1252");
  const skipStack: boolean[] = [];
  let skip = false;
  let ucSkip = 0;
  const SKIP = /^(fonttbl|colortbl|stylesheet|info|pict|object|header|footer|themedata|colorschememapping|latentstyles|datastore|xmlnstbl|listtable|listoverridetable|rsidtbl|generator)$/;
  for (let i = 0; i < rtf.length; i++) {
    const ch = rtf[i];
    if (ch === "{") {
      skipStack.push(skip);
      if (rtf.startsWith("{\\*", i)) skip = true;
    } else if (ch === "}") {
      skip = skipStack.pop() ?? false;
    } else if (ch === "\\") {
      const next = rtf[i + 1] ?? "";
      if (next === "'") {
        const hex = rtf.slice(i + 2, i + 4);
        if (!skip && ucSkip === 0) out.push(cp1252.decode(new Uint8Array([parseInt(hex, 16) || 32])));
        else if (ucSkip > 0) ucSkip--;
        i += 3;
      } else if (/[a-z]/i.test(next)) {
        const m = /^([a-z]+)(-?\d+)? ?/i.exec(rtf.slice(i + 1, i + 40));
        if (!m) continue;
        const word = m[1] ?? "";
        i += m[0].length;
        if (SKIP.test(word)) skip = true;
        else if (word === "u" && m[2] !== undefined) {
          let code = Number(m[2]);
          if (code < 0) code += 65536;
          if (!skip) out.push(String.fromCharCode(code));
          ucSkip = 1;
        } else if (!skip && (word === "par" || word === "line" || word === "tab" || word === "cell" || word === "row")) out.push(" ");
      } else {
        if (!skip && (next === "~" || next === "\n" || next === "\r")) out.push(" ");
        else if (!skip && (next === "\\" || next === "{" || next === "}")) out.push(next);
        i += 1;
      }
    } else if (ch !== "\r" && ch !== "\n") {
      if (ucSkip > 0) ucSkip--;
      else if (!skip) out.push(ch ?? "");
    }
  }
  return out.join("").replace(/\s+/g, " ");
}

/** The text of an .xlsx: shared strings, inline strings and cell values (numbers too: BSN columns). */
export function xlsxText(files: Record<string, Uint8Array>): string {
  const xml = (path: string): string => (files[path] ? strFromU8(files[path]) : "");
  const shared = [...xml("xl/sharedStrings.xml").matchAll(/<si>([\s\S]*?)<\/si>/g)].map((si) =>
    [...(si[1] ?? "").matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>/g)].map((t) => t[1] ?? "").join(""),
  );
  const rows: string[] = [];
  for (const path of Object.keys(files).filter((p) => /^xl\/worksheets\/sheet\d+\.xml$/.test(p)).sort()) {
    // Row by row, cells in order, so a number stands next to its column heading's row (BSN columns).
    for (const row of xml(path).matchAll(/<row\b[\s\S]*?<\/row>/g)) {
      const cells: string[] = [];
      for (const c of row[0].matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
        const inner = c[2] ?? "";
        const inline = /<is>[\s\S]*?<t(?:\s[^>]*)?>([\s\S]*?)<\/t>/.exec(inner)?.[1];
        const value = /<v>([\s\S]*?)<\/v>/.exec(inner)?.[1];
        if (inline !== undefined) cells.push(inline);
        else if (value !== undefined) cells.push(/\bt="s"/.test(c[1] ?? "") ? (shared[Number(value)] ?? "") : value);
      }
      if (cells.length > 0) rows.push(cells.join("\t"));
    }
  }
  return decodeXmlEntities(rows.join("\n"));
}

async function pdfText(b: Uint8Array): Promise<Extracted> {
  const { getDocumentProxy, extractText } = await import("unpdf");
  try {
    const pdf = await getDocumentProxy(new Uint8Array(b), { isEvalSupported: false, useSystemFonts: false, disableFontFace: true, verbosity: 0 });
    try {
      const { text } = await extractText(pdf, { mergePages: true });
      return text.trim().length > 0 ? { status: "read", text } : { status: "unreadable", reason: "no-text" };
    } finally {
      await pdf.destroy().catch(() => undefined);
    }
  } catch (err) {
    const name = err && typeof err === "object" && "name" in err ? String((err as { name: unknown }).name) : "";
    return { status: "unreadable", reason: name === "PasswordException" ? "encrypted" : "damaged" };
  }
}

async function zipText(b: Uint8Array): Promise<Extracted> {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(b, { filter: (f) => /^(\[Content_Types\]\.xml|word\/document\.xml|xl\/sharedStrings\.xml|xl\/worksheets\/sheet\d+\.xml|xl\/workbook\.xml)$/.test(f.name) });
  } catch {
    return { status: "unreadable", reason: "damaged" };
  }
  if (files["word/document.xml"]) {
    const mammoth = await import("mammoth");
    const { value } = await mammoth.extractRawText({ buffer: Buffer.from(b) });
    return value.trim() ? { status: "read", text: value } : { status: "unreadable", reason: "no-text" };
  }
  if (files["xl/workbook.xml"]) {
    const text = xlsxText(files);
    return text.trim() ? { status: "read", text } : { status: "unreadable", reason: "no-text" };
  }
  return { status: "unreadable", reason: "unsupported" };
}

async function emlText(b: Uint8Array, depth: number): Promise<Extracted> {
  const { default: PostalMime } = await import("postal-mime");
  const mail = await PostalMime.parse(b, { attachmentEncoding: "arraybuffer" });
  const parts = [mail.subject ?? "", mail.from?.name ?? "", mail.text ?? "", mail.html ? htmlToText(mail.html) : ""];
  for (const a of mail.attachments) {
    parts.push(a.filename ?? "");
    const content = a.content;
    if (depth < MAX_DEPTH && content instanceof ArrayBuffer) {
      const inner = await extractFrom(new Uint8Array(content), a.filename ?? "", a.mimeType, depth + 1);
      if (inner.status === "read") parts.push(inner.text);
    }
  }
  const text = parts.join("\n");
  return text.trim() ? { status: "read", text } : { status: "unreadable", reason: "no-text" };
}

async function msgText(b: Uint8Array, depth: number): Promise<Extracted> {
  const { default: MsgReader } = await import("@kenjiuno/msgreader");
  const reader = new MsgReader(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
  const data = reader.getFileData();
  if (data.error) return { status: "unreadable", reason: "damaged" };
  const parts = [data.subject ?? "", data.senderName ?? "", data.body ?? "", data.bodyHtml ? htmlToText(data.bodyHtml) : ""];
  for (const a of data.attachments ?? []) {
    const name = a.fileName ?? a.name ?? "";
    parts.push(name);
    if (depth < MAX_DEPTH && !a.innerMsgContent) {
      const att = reader.getAttachment(a);
      if (att.content) {
        const inner = await extractFrom(att.content, att.fileName, undefined, depth + 1);
        if (inner.status === "read") parts.push(inner.text);
      }
    }
  }
  const text = parts.join("\n");
  return text.trim() ? { status: "read", text } : { status: "unreadable", reason: "no-text" };
}

function textResult(text: string): Extracted {
  return text.trim() ? { status: "read", text } : { status: "unreadable", reason: "no-text" };
}

async function extractFrom(b: Uint8Array, name: string, contentType: string | undefined, depth: number): Promise<Extracted> {
  switch (kindOf(b, name, contentType)) {
    case "pdf":
      return pdfText(b);
    case "zip":
      return zipText(b);
    case "rtf":
      return textResult(rtfToText(decodeText(b)));
    case "ole":
      return ext(name) === "msg" || /ms-outlook/i.test(contentType ?? "") ? msgText(b, depth) : { status: "unreadable", reason: "unsupported" };
    case "image":
      return { status: "unreadable", reason: "image" };
    case "eml":
      return emlText(b, depth);
    case "html":
      return textResult(htmlToText(decodeText(b)));
    case "text":
      return textResult(decodeText(b));
    case "unknown":
      return { status: "unreadable", reason: "unsupported" };
  }
}

/** The text of an attachment, or why it cannot be read. Never throws. */
export async function extractText(bytes: Uint8Array, name: string, contentType?: string): Promise<Extracted> {
  try {
    return await extractFrom(bytes, name, contentType, 0);
  } catch {
    return { status: "unreadable", reason: "damaged" };
  }
}
