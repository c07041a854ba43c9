/**
 * A consent request on paper (issue 17 item 7): one form per letter of the request (one per holder of
 * parental authority, or the student from the consent age), made from the stored request itself, so
 * the paper says what the mail says: the letter's salutation and introduction and the information
 * text exactly as stored (`informationShown`, kept with a consent as what the parent was shown). Only
 * the way to answer differs: tick a box and sign, instead of replying to the mail.
 */
import type { Lang } from "../../contract/enums.js";
import { fill, texts } from "../../contract/i18n.js";
import { formatDutchDate } from "../directory/domain.js";
import type { ConsentRequestRecord } from "../register/requests.js";
import { writeDocument, type PdfBytes } from "./pdf.js";
import { documentTexts } from "../shared/document-texts.js";

/** The part of a letter the paper repeats: everything up to and including the information text. */
export function paperText(letterBody: string, informationShown: string): string {
  const at = letterBody.indexOf(informationShown);
  return at < 0 ? informationShown : letterBody.slice(0, at + informationShown.length);
}

export function consentFormPdf(
  rec: ConsentRequestRecord,
  sender: { board: string; school?: string; brin?: string },
  at = new Date(),
): Promise<PdfBytes> {
  // The form speaks the request's language: the text is the request's own.
  const lang: Lang = rec.lang;
  const t = texts(documentTexts, lang);
  const code = `ZV-${rec.requestId}`;
  return writeDocument(lang, { title: `${t.formTitle} ${code}`, author: sender.board, subject: rec.subject }, fill(t.formFooter, { code }), (pen) => {
    rec.letters.forEach((letter, i) => {
      if (i > 0) pen.newPage();
      pen.letterhead(
        [sender.board, ...(sender.school && sender.school !== sender.board ? [sender.school] : []), ...(sender.brin ? [`BRIN ${sender.brin}`] : [])],
        [`${t.date}: ${formatDutchDate(at, lang)}`, `${t.formCode}: ${code}`],
      );
      pen.title(t.formTitle);
      pen.para(rec.subject.replace(` [${code}]`, ""), { bold: true });
      pen.para(t.formReturn, { small: true });
      for (const block of paperText(letter.bodyText, rec.informationShown).split("\n\n")) pen.para(block);
      pen.heading(letter.student ? t.formAnswerStudent : t.formAnswer, 140);
      pen.checkbox(t.formGive);
      pen.checkbox(t.formRefuse);
      pen.writeLine(t.formName);
      pen.writeLine(t.formDate);
      pen.writeLine(t.formSignature);
    });
  });
}
