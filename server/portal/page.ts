import type { Decision, Lang } from "../../contract/index.js";
import { formatDutchDate } from "../directory/domain.js";

/**
 * The parents' page as HTML: one self-contained document (no script, inline style only), mobile first,
 * B1 language in Dutch and English, WCAG 2.2 AA (landmarks, one h1, labelled form, focus visible, 48 px
 * targets, light, dark and forced-colors). "je" words when the student (16+) is asked.
 */

export interface PageModel {
  lang: Lang;
  /** Addressed to the student (16+): "je" instead of "u". */
  student: boolean;
  schoolName: string;
  holderName: string;
  childName: string;
  partyName: string;
  purposeLabel: string;
  /** Exactly the stored information text, line by line. */
  informationShown: string;
  /** The page's own address (the form posts to it; the language switch keeps it). */
  selfPath: string;
  answered?: { at: string; decision: Decision };
  withdrawnAt?: string;
  /** A granted consent of this holder for the same party and purpose that can still be withdrawn. */
  withdrawable?: { at: string };
  /** What just happened (after a POST). */
  done?: "given" | "refused" | "withdrawn";
}

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

type T = Record<
  | "title"
  | "lead"
  | "whatWeAsk"
  | "yourAnswer"
  | "give"
  | "refuse"
  | "choose"
  | "answeredGiven"
  | "answeredRefused"
  | "withdrawnAt"
  | "withdrawHint"
  | "withdraw"
  | "earlier"
  | "refusedChange"
  | "doneGiven"
  | "doneRefused"
  | "doneWithdrawn"
  | "footer"
  | "language"
  | "otherLang"
  | "errorTitle",
  string
>;

function texts(lang: Lang, je: boolean, m: { child: string; party: string; holder: string }): T {
  if (lang === "en") {
    return {
      title: `Consent to share information about ${je ? "you" : m.child}`,
      lead: `Dear ${m.holder}, the school asks you for consent to share information ${je ? "about you" : `about ${m.child}`} with ${m.party}. Read below what that means. Then choose yes or no.`,
      whatWeAsk: "What we ask",
      yourAnswer: "Your answer",
      give: "Yes, I give consent",
      refuse: "No, I do not give consent",
      choose: "You are free to choose. Saying no has no consequences for the support at school.",
      answeredGiven: "You gave consent on {date}.",
      answeredRefused: "You did not give consent (answered on {date}).",
      withdrawnAt: "You withdrew your consent on {date}.",
      withdrawHint: "You can withdraw your consent at any time. What was sent before stays sent.",
      withdraw: "Withdraw my consent",
      earlier: "You gave consent for this earlier, on {date}.",
      refusedChange: "Changed your mind? Contact the school.",
      doneGiven: "Thank you. Your consent has been saved. The school sees it straight away.",
      doneRefused: "Thank you. Your answer has been saved: no consent. The school sees it straight away.",
      doneWithdrawn: "Your consent has been withdrawn. The school sees it straight away.",
      footer: "Questions? Contact the school. This page is meant only for you: do not share the link.",
      language: "Language",
      otherLang: "Nederlands",
      errorTitle: "This link does not work",
    };
  }
  const u = je ? "je" : "u";
  const U = je ? "Je" : "U";
  const uw = je ? "jouw" : "uw";
  const Uw = je ? "Jouw" : "Uw";
  return {
    title: `Toestemming om gegevens over ${je ? "jou" : m.child} te delen`,
    lead: `Beste ${m.holder}, de school vraagt ${je ? "jou" : "u"} om toestemming. Wij willen informatie over ${je ? "jou" : m.child} delen met ${m.party}. Lees hieronder wat dat betekent. Kies daarna ja of nee.`,
    whatWeAsk: "Wat wij vragen",
    yourAnswer: `${Uw} antwoord`,
    give: "Ja, ik geef toestemming",
    refuse: "Nee, ik geef geen toestemming",
    choose: `${U} mag zelf kiezen. Nee zeggen heeft geen gevolgen voor de begeleiding op school.`,
    answeredGiven: `${U} ${je ? "hebt" : "heeft"} op {date} toestemming gegeven.`,
    answeredRefused: `${U} ${je ? "hebt" : "heeft"} op {date} geantwoord: geen toestemming.`,
    withdrawnAt: `${U} ${je ? "hebt" : "heeft"} ${uw} toestemming op {date} ingetrokken.`,
    withdrawHint: `${U} mag ${uw} toestemming altijd intrekken. Wat al is verstuurd, blijft verstuurd.`,
    withdraw: "Mijn toestemming intrekken",
    earlier: `${U} gaf hiervoor eerder al toestemming, op {date}.`,
    refusedChange: `Toch van gedachten veranderd? Neem contact op met de school.`,
    doneGiven: `Dank ${u} wel. ${Uw} toestemming is bewaard. De school ziet het meteen.`,
    doneRefused: `Dank ${u} wel. ${Uw} antwoord is bewaard: geen toestemming. De school ziet het meteen.`,
    doneWithdrawn: `${Uw} toestemming is ingetrokken. De school ziet het meteen.`,
    footer: `Vragen? Neem contact op met de school. Deze pagina is alleen voor ${je ? "jou" : "u"}: deel de link niet.`,
    language: "Taal",
    otherLang: "English",
    errorTitle: "Deze link werkt niet",
  };
}

const STYLE = `
:root{color-scheme:light dark;--bg:#ffffff;--fg:#1b1b1b;--muted:#4a4a4a;--card:#f4f6f8;--line:#8a8a8a;--accent:#0b5394;--on-accent:#ffffff;--ok:#1e6b31;--focus:#000000}
@media (prefers-color-scheme:dark){:root{--bg:#141414;--fg:#f2f2f2;--muted:#d0d0d0;--card:#232629;--line:#9a9a9a;--accent:#8cc8ff;--on-accent:#0b0b0b;--ok:#8fdc9f;--focus:#ffffff}}
*{box-sizing:border-box}
html{font-size:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:1.125rem/1.6 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.wrap{max-width:40rem;margin:0 auto;padding:1rem}
header{display:flex;justify-content:space-between;align-items:center;gap:1rem;flex-wrap:wrap;border-bottom:1px solid var(--line);padding-bottom:.5rem}
header p{margin:0;font-weight:600}
a{color:var(--accent)}
a:focus-visible,button:focus-visible{outline:3px solid var(--focus);outline-offset:3px}
h1{font-size:1.5rem;line-height:1.3;margin:1.25rem 0 .75rem}
h2{font-size:1.25rem;margin:1.5rem 0 .5rem}
.info{background:var(--card);border-left:4px solid var(--accent);padding:.25rem 1rem;border-radius:4px}
.info p{margin:.75rem 0}
form{margin:0}
.choices{display:grid;gap:.75rem;margin:1rem 0}
button{font:inherit;font-weight:600;min-height:3rem;width:100%;padding:.625rem 1rem;border-radius:6px;cursor:pointer;border:2px solid var(--accent)}
button.primary{background:var(--accent);color:var(--on-accent)}
button.secondary{background:transparent;color:var(--fg)}
.status{border:2px solid var(--ok);border-radius:6px;padding:.75rem 1rem;margin:1rem 0;font-weight:600}
.muted{color:var(--muted)}
footer{margin-top:2rem;border-top:1px solid var(--line);padding-top:.75rem;font-size:1rem;color:var(--muted)}
@media (min-width:40rem){.choices{grid-template-columns:1fr 1fr}h1{font-size:1.75rem}}
@media (forced-colors:active){button,button.primary,button.secondary{border:2px solid ButtonText;background:ButtonFace;color:ButtonText}.info{border-left-color:CanvasText}.status{border-color:CanvasText}}
`;

function shell(lang: Lang, title: string, header: string, body: string, footer: string): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex, nofollow"><meta name="referrer" content="no-referrer"><title>${esc(title)}</title><style>${STYLE}</style></head><body><div class="wrap">${header}<main id="main">${body}</main><footer><p>${esc(footer)}</p></footer></div></body></html>`;
}

const date = (iso: string, lang: Lang): string => formatDutchDate(new Date(iso), lang);
const fill = (s: string, iso: string, lang: Lang): string => esc(s.replace("{date}", date(iso, lang)));

export function parentPage(m: PageModel): string {
  const t = texts(m.lang, m.student, { child: m.childName, party: m.partyName, holder: m.holderName });
  const other: Lang = m.lang === "nl" ? "en" : "nl";
  const header = `<header><p>${esc(m.schoolName)}</p><nav aria-label="${t.language}"><a href="${esc(m.selfPath)}?lang=${other}" hreflang="${other}" lang="${other}">${t.otherLang}</a></nav></header>`;
  const action = `${esc(m.selfPath)}?lang=${m.lang}`;
  const hidden = `<input type="hidden" name="lang" value="${m.lang}">`;
  const done = m.done ? `<p class="status" role="status">${esc(m.done === "given" ? t.doneGiven : m.done === "refused" ? t.doneRefused : t.doneWithdrawn)}</p>` : "";
  const answer: string[] = [];
  if (m.withdrawnAt) answer.push(`<p>${fill(t.withdrawnAt, m.withdrawnAt, m.lang)}</p>`);
  else if (m.answered?.decision === "granted") answer.push(`<p>${fill(t.answeredGiven, m.answered.at, m.lang)}</p>`);
  else if (m.answered?.decision === "refused") answer.push(`<p>${fill(t.answeredRefused, m.answered.at, m.lang)}</p><p>${esc(t.refusedChange)}</p>`);
  if (!m.answered && m.withdrawable) answer.push(`<p>${fill(t.earlier, m.withdrawable.at, m.lang)}</p>`);
  if (!m.answered) {
    answer.push(
      `<p class="muted">${esc(t.choose)}</p><form method="post" action="${action}">${hidden}<div class="choices"><button class="primary" type="submit" name="answer" value="give">${esc(t.give)}</button><button class="secondary" type="submit" name="answer" value="refuse">${esc(t.refuse)}</button></div></form>`,
    );
  }
  if (m.withdrawable && !m.withdrawnAt) {
    answer.push(
      `<p class="muted">${esc(t.withdrawHint)}</p><form method="post" action="${action}">${hidden}<div class="choices"><button class="secondary" type="submit" name="answer" value="withdraw">${esc(t.withdraw)}</button></div></form>`,
    );
  }
  const info = m.informationShown
    .split("\n")
    .filter((l) => l.trim().length > 0)
    .map((l) => `<p>${esc(l)}</p>`)
    .join("");
  const body = `${done}<h1>${esc(t.title)}</h1><p>${esc(t.lead)}</p><section aria-labelledby="ask"><h2 id="ask">${esc(t.whatWeAsk)}</h2><div class="info">${info}</div></section><section aria-labelledby="answer"><h2 id="answer">${esc(t.yourAnswer)}</h2>${answer.join("")}</section>`;
  return shell(m.lang, t.title, header, body, t.footer);
}

/** A refused link (altered, expired, answered, too many tries): what happened and what to do, in the page's words. */
export function parentErrorPage(lang: Lang, message: string): string {
  const t = texts(lang, false, { child: "", party: "", holder: "" });
  const header = `<header><p>Zorgvuldig</p></header>`;
  return shell(lang, t.errorTitle, header, `<h1>${esc(t.errorTitle)}</h1><p role="alert">${esc(message)}</p>`, t.footer);
}
