/**
 * The page layout of the documents for parents (issue 17 item 7): letters, the class overview and the
 * paper consent form, as PDF made on the server.
 *
 * Library: pdfkit. It lays out text itself (line breaking by the Unicode algorithm, UAX #14, so a line
 * breaks between words and never inside one unless a single word is wider than the whole column),
 * measures text (`heightOfString`) so tables can be paginated row by row, embeds and subsets TrueType
 * fonts with a ToUnicode map (the text can be copied, searched and read aloud), and is a widely used,
 * maintained library with no native parts. pdf-lib, the other candidate, only places glyphs: every
 * line break and page break would be ours to write.
 *
 * Font: DejaVu Sans (package dejavu-fonts-ttf; the Bitstream Vera licence allows embedding and
 * redistribution), which has every Dutch character (ë, ï, é, „ ”, €).
 *
 * Rules of the layout: text is left aligned (no justification, no letter spacing), a table column is
 * never narrower than its longest word (so no cell breaks a word), a heading is never the last thing
 * on a page, a table row never splits across pages (the header row is repeated), every page has
 * "pagina N van M" ("Page N of M"), and a last page that would hold only a few lines is avoided by setting the whole
 * document a little tighter.
 */
import PDFDocument from "pdfkit";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import type { Lang } from "../../contract/enums.js";
import { fill, texts } from "../../contract/i18n.js";
import { dutchDate } from "../directory/domain.js";
import { documentTexts } from "../shared/document-texts.js";

const require = createRequire(import.meta.url);
const fontFile = (name: string): string => require.resolve(`dejavu-fonts-ttf/ttf/${name}`);

let fonts: { regular: Buffer; bold: Buffer; mono: Buffer } | undefined;
function loadFonts(): { regular: Buffer; bold: Buffer; mono: Buffer } {
  fonts ??= {
    regular: readFileSync(fontFile("DejaVuSans.ttf")),
    bold: readFileSync(fontFile("DejaVuSans-Bold.ttf")),
    mono: readFileSync(fontFile("DejaVuSansMono.ttf")),
  };
  return fonts;
}

/** A document's bytes (the routes answer them as application/pdf). */
export type PdfBytes = Uint8Array<ArrayBuffer>;

/**
 * A date in a table, on the Dutch calendar day: "01-09-2026" as the Dutch write it, "01/09/2026" in
 * English (British order, as the letter's `en-GB` language says).
 */
export function shortDate(iso: string | undefined, lang: Lang): string {
  if (!iso) return "";
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const [y, m, d] = dutchDate(at);
  const sep = lang === "en" ? "/" : "-";
  return `${String(d).padStart(2, "0")}${sep}${String(m).padStart(2, "0")}${sep}${y}`;
}

export interface Column {
  header: string;
  mono?: boolean;
}

/** Plain columns by their headers, in order. */
export function headers(...names: string[]): Column[] {
  return names.map((header) => ({ header }));
}

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = { top: 56, bottom: 62, left: 62, right: 62 };
/** A last page filled less than this (a share of the text area) counts as almost empty. */
const ALMOST_EMPTY = 0.18;
const SCALES = [1, 0.94, 0.88, 0.82];

type Element = PDFKit.PDFStructureElement;

/**
 * The pen: writes one document at one scale, as a tagged PDF (PDF/UA's checklist as far as pdfkit
 * goes): the document language and title, and a logical structure in reading order: the title H1,
 * headings H2, paragraphs P, lists L (LI, Lbl, LBody), tables (THead and TBody of TR with TH and TD;
 * label-value pairs as rows of TH and TD). Shading, rules and the page footer are artifacts, and so is
 * a table header repeated on a following page.
 */
export class Pen {
  readonly doc: PDFKit.PDFDocument;
  private readonly size: number;
  /** The structure root ("Document") every element is added to, in reading order. */
  private readonly root: Element;

  constructor(
    readonly lang: Lang,
    readonly scale: number,
    info: { title: string; author: string; subject?: string },
    layout: "portrait" | "landscape" = "portrait",
  ) {
    const f = loadFonts();
    this.doc = new PDFDocument({
      size: "A4",
      layout,
      margins: MARGIN,
      bufferPages: true,
      autoFirstPage: true,
      pdfVersion: "1.7",
      tagged: true,
      lang: lang === "nl" ? "nl-NL" : "en-GB",
      displayTitle: true,
      info: { Title: info.title, Author: info.author, ...(info.subject ? { Subject: info.subject } : {}), Creator: "Zorgvuldig" },
    });
    this.doc.registerFont("regular", f.regular);
    this.doc.registerFont("bold", f.bold);
    this.doc.registerFont("mono", f.mono);
    this.size = 10 * scale;
    this.doc.font("regular").fontSize(this.size);
    this.root = this.doc.struct("Document");
    this.doc.addStructure(this.root);
  }

  /** A group element (Table, TR, L, ...) under `parent`; the caller ends it. */
  private group(type: string, parent: Element = this.root): Element {
    const el = this.doc.struct(type);
    parent.add(el);
    return el;
  }

  /** What `draw` writes, as one structure element of `type` under `parent` (the page must have room first). */
  private tag(type: string, draw: () => void, parent: Element = this.root, options: Parameters<PDFKit.PDFDocument["struct"]>[1] = {}): void {
    const el = this.doc.struct(type, options);
    parent.add(el);
    const content = this.doc.markStructureContent(type);
    draw();
    this.doc.endMarkedContent();
    el.add(content);
    el.end();
  }

  /** What `draw` writes, outside the logical structure (shading, rules, page furniture). */
  private artifact(draw: () => void, type: "Layout" | "Pagination" = "Layout"): void {
    this.doc.markContent("Artifact", { type });
    draw();
    this.doc.endMarkedContent();
  }

  get width(): number {
    return this.doc.page.width - MARGIN.left - MARGIN.right;
  }
  private get bottom(): number {
    return this.doc.page.height - MARGIN.bottom;
  }
  private room(): number {
    return this.bottom - this.doc.y;
  }
  private gap(lines = 0.6): void {
    this.doc.y += this.size * 1.3 * lines;
  }
  private ensure(height: number): void {
    if (this.room() < height) this.doc.addPage();
  }

  /** The sender block and the date, top of the first page. */
  letterhead(lines: string[], right: string[]): void {
    const d = this.doc;
    const top = d.y;
    this.tag("P", () => d.font("bold").fontSize(this.size * 1.15).text(lines[0] ?? "", MARGIN.left, top, { width: this.width * 0.7 }));
    d.font("regular").fontSize(this.size);
    for (const l of lines.slice(1)) this.tag("P", () => d.text(l, { width: this.width * 0.7 }));
    const leftEnd = d.y;
    d.y = top;
    right.forEach((l, i) => this.tag("P", () => d.text(l, MARGIN.left + this.width * 0.7, i === 0 ? top : d.y, { width: this.width * 0.3, align: "right" })));
    d.y = Math.max(leftEnd, d.y);
    d.x = MARGIN.left;
    this.gap(1.2);
  }

  title(text: string): void {
    this.tag("H1", () => this.doc.font("bold").fontSize(this.size * 1.35).text(text, MARGIN.left, this.doc.y, { width: this.width }));
    this.doc.font("regular").fontSize(this.size);
    this.gap(0.5);
  }

  /** A heading that keeps with what follows (never alone at the bottom of a page). */
  heading(text: string, keepWith = this.size * 4): void {
    const d = this.doc;
    d.font("bold").fontSize(this.size * 1.1);
    const h = d.heightOfString(text, { width: this.width });
    this.ensure(h + keepWith);
    this.tag("H2", () => d.text(text, MARGIN.left, d.y, { width: this.width }));
    d.font("regular").fontSize(this.size);
    this.gap(0.25);
  }

  para(text: string, o: { bold?: boolean; small?: boolean } = {}): void {
    const d = this.doc;
    d.font(o.bold ? "bold" : "regular").fontSize(o.small ? this.size * 0.85 : this.size);
    for (const p of text.split("\n")) {
      const h = d.heightOfString(p, { width: this.width });
      this.ensure(Math.min(h, this.size * 2.6));
      this.tag("P", () => d.text(p, MARGIN.left, d.y, { width: this.width, lineGap: this.size * 0.15 }));
    }
    d.font("regular").fontSize(this.size);
    this.gap(0.4);
  }

  bullets(items: string[]): void {
    const d = this.doc;
    const list = this.group("L");
    for (const item of items) {
      const h = d.heightOfString(item, { width: this.width - 14 });
      this.ensure(h);
      const y = d.y;
      const li = this.group("LI", list);
      this.tag("Lbl", () => d.text("•", MARGIN.left, y, { width: 12 }), li);
      this.tag("LBody", () => d.text(item, MARGIN.left + 14, y, { width: this.width - 14 }), li);
      li.end();
    }
    list.end();
    d.x = MARGIN.left;
    this.gap(0.4);
  }

  /** Label: value pairs, two columns (`mono`: the values in a fixed-width font, as evidence details are). */
  pairs(rows: [string, string][], o: { mono?: boolean; small?: boolean } = {}): void {
    const d = this.doc;
    const size = o.small ? this.size * 0.85 : this.size;
    d.fontSize(size);
    const lw = Math.min(this.width * 0.35, Math.max(...rows.map(([l]) => d.font("bold").widthOfString(l))) + 10);
    const font = o.mono ? "mono" : "regular";
    // Evidence details (a SHA-256 is 64 characters) stay on one line.
    const valueSize = o.mono ? size * 0.8 : size;
    const table = this.group("Table");
    for (const [label, value] of rows) {
      const lh = d.font("bold").fontSize(size).heightOfString(label, { width: lw - 6 });
      const vh = d.font(font).fontSize(valueSize).heightOfString(value, { width: this.width - lw });
      const h = Math.max(lh, vh, size * 1.2);
      this.ensure(Math.max(lh, Math.min(vh, size * 2.6)));
      const y = d.y;
      const tr = this.group("TR", table);
      this.tag("TH", () => d.font("bold").fontSize(size).text(label, MARGIN.left, y, { width: lw - 6 }), tr);
      this.tag("TD", () => d.font(font).fontSize(valueSize).text(value, MARGIN.left + lw, y + (size - valueSize) * 0.8, { width: this.width - lw }), tr);
      tr.end();
      d.y = Math.max(d.y, y + h);
    }
    table.end();
    d.font("regular").fontSize(this.size);
    d.x = MARGIN.left;
    this.gap(0.4);
  }

  /**
   * A table: each column at least as wide as its longest word (so no cell breaks a word; the font
   * shrinks if the words do not fit side by side), rows never split, the header repeated on a new page.
   */
  table(columns: Column[], rows: string[][], o: { fontScale?: number } = {}): void {
    const d = this.doc;
    const pad = 3;
    let size = this.size * (o.fontScale ?? 0.9);
    const fontOf = (i: number): "mono" | "regular" => (columns[i]?.mono ? "mono" : "regular");
    const measure = (font: "regular" | "bold" | "mono", text: string, words: boolean): number =>
      words
        ? Math.max(0, ...text.split(/\s+/).map((w) => d.font(font).fontSize(size).widthOfString(w)))
        : d.font(font).fontSize(size).widthOfString(text);
    // Per column: the longest word (the least it may be) and the longest cell on one line (what it would like).
    const bounds = (): { min: number; want: number }[] =>
      columns.map((c, i) => {
        const cells = rows.map((r) => r[i] ?? "");
        const min = Math.max(measure("bold", c.header, true), ...cells.map((x) => measure(fontOf(i), x, true)));
        const want = Math.max(measure("bold", c.header, false), ...cells.map((x) => measure(fontOf(i), x, false)));
        return { min: min + 2 * pad + 1, want: want + 2 * pad + 1 };
      });
    let b = bounds();
    while (b.reduce((a, x) => a + x.min, 0) > this.width && size > 5) {
      size -= 0.5;
      b = bounds();
    }
    // Auto layout (as HTML tables do): every column gets its minimum, the rest goes to the columns that
    // want more, in proportion to how much more they want; if all fit on one line, the spare is shared.
    const minSum = b.reduce((a, x) => a + x.min, 0);
    const wantSum = b.reduce((a, x) => a + x.want, 0);
    const widths =
      wantSum <= this.width
        ? b.map((x) => x.want + (this.width - wantSum) / b.length)
        : b.map((x) => x.min + ((this.width - minSum) * (x.want - x.min)) / Math.max(1, wantSum - minSum));
    const cellHeight = (cells: string[], header: boolean): number =>
      Math.max(
        ...cells.map((text, i) => {
          d.font(header ? "bold" : fontOf(i)).fontSize(size);
          return d.heightOfString(text || " ", { width: (widths[i] ?? 0) - 2 * pad });
        }),
      ) + 2 * pad;
    /** One row: in the structure as a TR of `group` (THead or TBody), or, without a group, an artifact (a repeated header). */
    const drawRow = (cells: string[], header: boolean, shade: boolean, group?: Element): void => {
      const h = cellHeight(cells, header);
      const y = d.y;
      if (header || shade) this.artifact(() => d.save().rect(MARGIN.left, y, this.width, h).fill(header ? "#e6e6e6" : "#f5f5f5").restore());
      const tr = group ? this.group("TR", group) : undefined;
      let x = MARGIN.left;
      cells.forEach((text, i) => {
        const left = x;
        const draw = (): void => {
          d.fillColor("#000").font(header ? "bold" : fontOf(i)).fontSize(size);
          d.text(text, left + pad, y + pad, { width: (widths[i] ?? 0) - 2 * pad });
        };
        if (tr) this.tag(header ? "TH" : "TD", draw, tr);
        else this.artifact(draw, "Pagination");
        x += widths[i] ?? 0;
      });
      tr?.end();
      this.artifact(() => d.moveTo(MARGIN.left, y + h).lineTo(MARGIN.left + this.width, y + h).lineWidth(0.4).strokeColor("#999").stroke());
      d.y = y + h;
    };
    const headers = columns.map((c) => c.header);
    const headerH = cellHeight(headers, true);
    this.ensure(headerH + (rows[0] ? cellHeight(rows[0], false) : 0));
    const table = this.group("Table");
    const head = this.group("THead", table);
    drawRow(headers, true, false, head);
    head.end();
    const body = this.group("TBody", table);
    rows.forEach((r, n) => {
      if (this.room() < cellHeight(r, false)) {
        d.addPage();
        drawRow(headers, true, false);
      }
      drawRow(r, false, n % 2 === 1, body);
    });
    body.end();
    table.end();
    d.font("regular").fontSize(this.size).fillColor("#000");
    d.x = MARGIN.left;
    this.gap(0.6);
  }

  /** A tick box with its label (the paper form). */
  checkbox(label: string): void {
    const d = this.doc;
    const box = this.size * 1.1;
    this.ensure(box * 1.8);
    const y = d.y;
    // Read as "☐ label": the box is a Span whose actual text is the ballot box character.
    const p = this.group("P");
    this.tag("Span", () => d.rect(MARGIN.left, y, box, box).lineWidth(0.8).strokeColor("#000").stroke(), p, { actual: "\u2610 " });
    this.tag("Span", () => d.text(label, MARGIN.left + box * 1.8, y + box * 0.05, { width: this.width - box * 1.8 }), p);
    p.end();
    d.y = Math.max(d.y, y + box) + this.size * 0.5;
    d.x = MARGIN.left;
  }

  /** A line to write on, with its label (name, date, signature). */
  writeLine(label: string): void {
    const d = this.doc;
    this.ensure(this.size * 3.2);
    const y = d.y + this.size * 1.6;
    this.tag("P", () => d.text(label, MARGIN.left, y - this.size * 1.1, { width: this.width * 0.3 }));
    this.artifact(() => d.moveTo(MARGIN.left + this.width * 0.3, y).lineTo(MARGIN.left + this.width, y).lineWidth(0.6).strokeColor("#000").stroke());
    d.y = y + this.size * 0.9;
    d.x = MARGIN.left;
  }

  newPage(): void {
    this.doc.addPage();
  }

  pageCount(): number {
    const r = this.doc.bufferedPageRange();
    return r.start + r.count;
  }

  /** How full the last page is (a share of its text area). */
  lastPageFill(): number {
    return (this.doc.y - MARGIN.top) / (this.doc.page.height - MARGIN.top - MARGIN.bottom);
  }

  /** Footer on every page ("pagina 1 van 3"), then the bytes. */
  finish(footerLeft: string): Promise<PdfBytes> {
    const d = this.doc;
    const n = this.pageCount();
    for (let i = 0; i < n; i++) {
      d.switchToPage(i);
      const y = d.page.height - MARGIN.bottom + 22;
      // Writing in the bottom margin must not add a page.
      const saved = d.page.margins.bottom;
      d.page.margins.bottom = 0;
      d.font("regular").fontSize(7.5).fillColor("#444");
      const page = fill(texts(documentTexts, this.lang).pageOf, { n: i + 1, total: n });
      this.artifact(() => {
        d.text(footerLeft, MARGIN.left, y, { width: this.width * 0.75, height: 10, ellipsis: true });
        d.text(page, MARGIN.left + this.width * 0.75, y, { width: this.width * 0.25, align: "right", lineBreak: false });
      }, "Pagination");
      d.page.margins.bottom = saved;
    }
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      d.on("data", (c: Buffer) => chunks.push(c));
      d.on("end", () => resolve(new Uint8Array(Buffer.concat(chunks)) as PdfBytes));
      d.on("error", reject);
      d.end();
    });
  }
}

/**
 * Writes a document, tighter if need be so the last page is not almost empty: the first scale whose
 * last page is filled enough (or that needs fewer pages) wins.
 */
export function writeDocument(
  lang: Lang,
  info: { title: string; author: string; subject?: string },
  footer: string,
  write: (pen: Pen) => void,
  layout: "portrait" | "landscape" = "portrait",
): Promise<PdfBytes> {
  const attempt = (scale: number): Pen => {
    const pen = new Pen(lang, scale, info, layout);
    write(pen);
    return pen;
  };
  const fine = (pen: Pen): boolean => pen.pageCount() === 1 || pen.lastPageFill() >= ALMOST_EMPTY;
  let chosen = attempt(SCALES[0] ?? 1);
  for (const scale of SCALES.slice(1)) {
    if (fine(chosen)) break;
    const pen = attempt(scale);
    if (fine(pen) || pen.pageCount() < chosen.pageCount()) chosen = pen;
  }
  return chosen.finish(footer);
}
