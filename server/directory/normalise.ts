/**
 * Text as the send check reads it. One reducer (`htmlToText`) turns a mail body, HTML or plain, into the
 * text a reader sees; `normalise` and `textTokens` turn that into the lower-case words the detector
 * matches. All of it is linear in the input and bounded: at most `MAX_TEXT_LENGTH` characters of any one
 * text are read, so a hostile body cannot make the check slow.
 */

/** Characters of one text that are read; the rest is ignored (the check's body limit is 2,000,000). */
export const MAX_TEXT_LENGTH = 2_000_000;

/** Letters that Unicode decomposition does not reduce to a base letter plus marks (lower case). */
const FOLD: Readonly<Record<string, string>> = {
  ß: "ss",
  æ: "ae",
  œ: "oe",
  ø: "o",
  ł: "l",
  đ: "d",
  ð: "d",
  þ: "th",
  ı: "i",
};
const FOLDABLE = /[ßæœøłđðþıÆŒØŁĐÐÞ]/g;
const fold = (c: string): string => {
  const lower = FOLD[c] ?? FOLD[c.toLowerCase()];
  if (lower === undefined) return c;
  return c === c.toLowerCase() ? lower : lower.toUpperCase();
};

/** Named references for letters (the accented ones are handled by their pattern), and invisible ones. */
const NAMED: Readonly<Record<string, string>> = {
  szlig: "ss",
  aelig: "ae",
  oelig: "oe",
  eth: "d",
  thorn: "th",
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  shy: "",
  zwj: "",
  zwnj: "",
  lrm: "",
  rlm: "",
  nbsp: " ",
  tab: "\t",
  newline: "\n",
};

/**
 * Soft hyphens, zero-width spaces and joiners, word joiners, byte-order marks and bidirectional marks:
 * invisible to the reader, so a name written with them ("Bak\u00ADker", "No\u200Bor") is the name.
 */
const INVISIBLE = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

/**
/** Combining marks of the accented-letter references ("&euml;" = "e" + U+0308 = "ë"). */
const MARKS: Readonly<Record<string, string>> = {
  uml: "\u0308",
  acute: "\u0301",
  grave: "\u0300",
  circ: "\u0302",
  tilde: "\u0303",
  ring: "\u030A",
  cedil: "\u0327",
};

/**
 * HTML character references ("Zo&euml;", "Jan&nbsp;de&nbsp;Vries", "Bak&shy;ker"): numeric ones and
 * accented letters are decoded, invisible ones disappear, other named ones become a space.
 */
export function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (_whole, ref: string) => {
    if (ref[0] === "#") {
      const code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : " ";
    }
    const accented = /^([a-z])(uml|acute|grave|circ|tilde|ring|cedil|slash)$/i.exec(ref);
    if (accented && accented[2]?.toLowerCase() === "slash") return accented[1] === "O" ? "Ø" : accented[1] === "o" ? "ø" : " ";
    const mark = accented ? MARKS[(accented[2] ?? "").toLowerCase()] : undefined;
    if (accented && mark !== undefined) return `${accented[1] ?? ""}${mark}`.normalize("NFC");
    return NAMED[ref] ?? NAMED[ref.toLowerCase()] ?? " ";
  });
}

/** Elements that end a paragraph: a name never runs across them. */
const PARAGRAPH = new Set([
  "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody",
  "tfoot", "blockquote", "pre", "hr", "section", "article", "header", "footer", "address", "caption", "title",
]);
/** Elements whose content is not text a reader sees. */
const HIDDEN = new Set(["script", "style", "head", "template", "noscript"]);

/** "<" followed by this starts a tag; any other "<" is a less-than sign. */
const TAG_START = /[A-Za-z/!?]/;

/**
 * Removes the tags of an HTML text, linear in its length: inline tags ("<b>", "<span>") disappear, so a
 * word split by one stays one word; a line break ("<br>") and a table row become a newline, a table
 * cell a tab (so each row is one line of tab-separated cells), a paragraph or block an empty line
 * (inside a cell only a space); comments and the content of script and style are dropped. A "<" that starts no tag, or has no closing ">" after it, is text.
 */
function stripTags(html: string): string {
  const out: string[] = [];
  let i = 0;
  let hiddenUntil: string | undefined; // inside <script>/<style>: skip to this closing tag
  let inCell = false;
  while (i < html.length) {
    const lt = html.indexOf("<", i);
    if (lt === -1) {
      if (hiddenUntil === undefined) out.push(html.slice(i));
      break;
    }
    if (hiddenUntil === undefined) out.push(html.slice(i, lt));
    if (!TAG_START.test(html[lt + 1] ?? "")) {
      if (hiddenUntil === undefined) out.push("<");
      i = lt + 1;
      continue;
    }
    if (html.startsWith("<!--", lt)) {
      const end = html.indexOf("-->", lt + 4);
      if (end === -1) break; // an unclosed comment hides the rest, as in a browser
      i = end + 3;
      continue;
    }
    const gt = html.indexOf(">", lt + 1);
    if (gt === -1) {
      // No ">" anywhere after this: the rest is text (and no later "<" can close either).
      if (hiddenUntil === undefined) out.push(html.slice(lt));
      break;
    }
    const name = /^\/?([A-Za-z][A-Za-z0-9]*)/.exec(html.slice(lt + 1, Math.min(gt, lt + 20)))?.[1]?.toLowerCase() ?? "";
    const closing = html[lt + 1] === "/";
    i = gt + 1;
    if (hiddenUntil !== undefined) {
      if (closing && name === hiddenUntil) hiddenUntil = undefined;
      continue;
    }
    if (!closing && HIDDEN.has(name) && html[gt - 1] !== "/") hiddenUntil = name;
    else if (name === "tr" || name === "table") {
      inCell = false;
      if (name === "table") out.push("\n\n");
      else if (!closing) out.push("\n");
    } else if (name === "td" || name === "th") {
      inCell = !closing;
      if (!closing) out.push("\t");
    } else if (name === "br" || PARAGRAPH.has(name)) {
      // Inside a cell a paragraph (Outlook writes <td><p>...</p></td>) only separates words.
      out.push(inCell ? " " : name === "br" ? "\n" : "\n\n");
    }
  }
  return out.join("");
}

/** Whether a text holds HTML markup (a tag), as opposed to plain text. */
export function looksLikeHtml(text: string): boolean {
  return /<(?:[A-Za-z][A-Za-z0-9]*[\s/>]|\/[A-Za-z]|!--)/.test(text);
}

/**
 * The one reducer of a mail text (body, subject, attachment text) to what a reader sees: pure, linear,
 * and reading at most `MAX_TEXT_LENGTH` characters. HTML (a text with a tag) loses its tags (see
 * `stripTags`), and its source line breaks and runs of spaces become one space, as a browser shows them;
 * plain text keeps its line breaks (CRLF and CR become LF). Then character references are decoded and
 * invisible characters (soft hyphens U+00AD, zero-width characters, bidirectional marks) removed.
 * Tabs stand for table cells and newlines for rows and lines, so columns stay recognisable.
 */
export function htmlToText(text: string): string {
  let s = text.length > MAX_TEXT_LENGTH ? text.slice(0, MAX_TEXT_LENGTH) : text;
  if (s.includes("<") && looksLikeHtml(s)) {
    s = stripTags(s.replace(/[ \t\r\n\f]+/g, " "));
  } else if (s.includes("\r")) {
    s = s.replace(/\r\n?/g, "\n");
  }
  return decodeEntities(s).replace(INVISIBLE, "");
}

/** At most this many characters come out of one character's compatibility decomposition here. */
export const MAX_EXPANSION = 4;

/**
 * The characters whose compatibility decomposition (NFKD) is longer than `MAX_EXPANSION`: Arabic
 * ligatures such as U+FDFA (18 characters), squared CJK words, a few symbols. None is part of a name;
 * each becomes a space before NFKD, so a text grows at most fourfold (a 1 MB body of U+FDFA would
 * otherwise become 6 million characters and a million words). A unit test checks the list against
 * every code point of the running Node's Unicode data.
 */
export const LONG_DECOMPOSITION =
  /[\u321D-\u321E\u327C\u3300\u3302\u3304\u3307\u3313\u3315-\u3317\u3319-\u331A\u3320-\u3321\u332B\u332D-\u332E\u3332\u3334\u3336\u333B\u333D\u3340\u3347\u334A\u334C\u3354\u3356\u33AE-\u33AF\uFDFA-\uFDFB\u{16126}-\u{16128}\u{16D6A}\u{1D160}-\u{1D164}\u{1D1BD}-\u{1D1C0}]/gu;

/** Without diacritics and with letters such as "ß" and "ĳ" spelled out; case is kept. Bounded: see `LONG_DECOMPOSITION`. */
function foldLetters(text: string): string {
  return text.replace(LONG_DECOMPOSITION, " ").normalize("NFKD").replace(/\p{M}+/gu, "").replace(FOLDABLE, fold);
}

/**
 * Lower case, without diacritics ("Zoë" -> "zoe", "ĳ" -> "ij"), every run of characters that are not a
 * letter or digit (spaces, NBSP, tabs, newlines, `_ - . ,` ...) replaced by one space, trimmed, after
 * `htmlToText`.
 */
export function normalise(text: string): string {
  return foldLetters(htmlToText(text).toLowerCase())
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** The words and numbers of a text after `normalise` (for directory names: no boundaries, all lower case). */
export function tokenize(text: string): string[] {
  const n = normalise(text);
  return n.length === 0 ? [] : n.split(" ");
}

/** The token `textTokens` puts where a sentence or paragraph ends: no name runs across it. */
export const BOUNDARY = ".";

const WORD_OR_BREAK = /[\p{L}\p{N}]+|[.!?;:](?=\s|$)|\n[ \t]*\n/gu;
const SINGLE_LETTER = /^\p{L}$/u;

/**
 * The tokens of a mail text for matching names, in one linear pass after `htmlToText`:
 * - words and numbers, in lower case, except that a single capital letter stays a capital (an initial:
 *   "N. van der Berg"; the lower-case "u", "'s" and "'t" of ordinary Dutch are no initials);
 * - `BOUNDARY` where a sentence ends (". ", "! ", "? ", ": ", "; ", but not the period after a single
 *   letter: "N. ", "v.d. ") and at an empty line (a paragraph), so that "... van de boer. Daan heeft ..."
 *   does not read as "de Boer, Daan". A single line break, a tab, "_", "-", "," and a period inside a word
 *   ("v.d", "Noor.van.der.Berg.pdf") only separate words;
 * - the shortened particle "v.d.", "v/d", "v. d." or "v.d" as the one word "vd".
 */
export function textTokens(text: string): string[] {
  const s = foldLetters(htmlToText(text));
  const out: string[] = [];
  let previous = "";
  for (const m of s.matchAll(WORD_OR_BREAK)) {
    const t = m[0];
    const c = t.charCodeAt(0);
    const isBreak = t === "." || t === "!" || t === "?" || t === ";" || t === ":" || c === 10;
    if (!isBreak) {
      previous = t.length === 1 && SINGLE_LETTER.test(t) && t !== t.toLowerCase() ? t : t.toLowerCase();
      if (previous === "d" && out[out.length - 1] === "v") out[out.length - 1] = "vd";
      else out.push(previous);
      continue;
    }
    if (t === "." && previous.length === 1 && SINGLE_LETTER.test(previous)) continue;
    if (out.length > 0 && out[out.length - 1] !== BOUNDARY) out.push(BOUNDARY);
    previous = BOUNDARY;
  }
  return out;
}
