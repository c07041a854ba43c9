import { langOf, type Lang } from "../../contract/i18n.js";

/** nl unless the user asked for English (?lang=en, or an English Teams/browser locale). */
export function pickLang(explicit: string | null | undefined, locale: string | undefined): Lang {
  if (explicit === "en" || explicit === "nl") return explicit;
  return langOf(locale);
}
