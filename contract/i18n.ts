/**
 * The one translation mechanism of every surface (tab, task pane, playground, on-send handler) and of
 * the server's messages. A surface keeps its own catalogue (so the on-send bundle carries only its own
 * texts): a Dutch table, and an English table typed against it, so a key missing in English, or a text
 * whose parameters differ, is a compile error.
 *
 *   const nl = { hello: "Hallo {name}", count: (n: number) => `${n} leerlingen` };
 *   const en: Texts<typeof nl> = { hello: "Hello {name}", count: (n: number) => `${n} students` };
 *   export const catalogue = defineCatalogue(nl, en);
 *   const t = texts(catalogue, "en");          // the one lookup
 *   fill(t.hello, { name: "Sem" });             // "{name}" placeholders
 *
 * Plain objects and string replacement only: the on-send handler (ES2016, no library) uses it too.
 */
import { LANGS, type Lang } from "./enums.js";

export { LANGS, type Lang };

/**
 * The English (or any other) table of a catalogue, from the Dutch one: the same keys, nested the same
 * way; a string stays a string (its literal text may differ), a function keeps its parameters.
 */
export type Texts<T> = {
  readonly [K in keyof T]: T[K] extends string
    ? string
    : T[K] extends (...args: infer A) => string
      ? (...args: A) => string
      : Texts<T[K]>;
};

/** A surface's texts in every language. */
export type Catalogue<T> = { readonly [L in Lang]: Texts<T> };

/** Defines a catalogue from its Dutch table and its English table (typed against the Dutch). */
export function defineCatalogue<T>(nl: T, en: Texts<T>): Catalogue<T> {
  return { nl: nl as Texts<T>, en };
}

/** The one lookup: a catalogue's table in a language. */
export function texts<T>(catalogue: Catalogue<T>, lang: Lang): Texts<T> {
  return catalogue[lang];
}

/** Fills `{name}` placeholders; an unknown placeholder is left as it is. */
export function fill(text: string, params?: Readonly<Record<string, string | number>>): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : m));
}

/**
 * The language of a language tag or preference ("en-GB", "nl", "en-US,en;q=0.9"): English when it
 * starts with English, Dutch otherwise (the product's default).
 */
export function langOf(tag: string | null | undefined): Lang {
  return /^\s*en\b/i.test(tag ?? "") ? "en" : "nl";
}
