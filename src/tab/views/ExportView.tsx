/**
 * The access export (inzage, art. 15 AVG) of one student, readable and printable, plus the JSON the
 * server produced. The server decides the content (and redacts other people's data); this page lays it
 * out in the order of DOMAIN.md section 6 and shows whatever else it holds under "other data".
 */
import { Button, Link, Text, Title2, Title3, makeStyles, tokens } from "@fluentui/react-components";
import type { ReactNode } from "react";
import type { AccessExport } from "../api.js";
import { useApp, useLoad } from "../context.js";
import { formatDate, useI18n, type Lang, type MessageKey } from "../i18n.js";
import { ErrorBox, Loading } from "../components/common.js";

const useStyles = makeStyles({
  actions: { display: "flex", gap: tokens.spacingHorizontalM, flexWrap: "wrap", marginBottom: tokens.spacingVerticalL },
  section: { marginBottom: tokens.spacingVerticalXL, breakInside: "avoid-page" },
  table: {
    borderCollapse: "collapse",
    width: "100%",
    "& th, & td": { textAlign: "left", padding: "4px 8px", border: `1px solid ${tokens.colorNeutralStroke2}`, verticalAlign: "top", overflowWrap: "anywhere" },
    "& th": { backgroundColor: tokens.colorNeutralBackground3 },
  },
  dl: { display: "grid", gridTemplateColumns: "max-content 1fr", columnGap: tokens.spacingHorizontalM, rowGap: "2px", margin: 0 },
  dt: { fontWeight: tokens.fontWeightSemibold },
  dd: { margin: 0, overflowWrap: "anywhere" },
});

/** Sections in the order of DOMAIN.md section 6; each lists the keys the server may use for it. */
const SECTIONS: { title: MessageKey; keys: string[] }[] = [
  { title: "exController", keys: ["controller"] },
  { title: "exData", keys: ["data", "student", "personalData", "subject", "guardians"] },
  { title: "exPurposes", keys: ["purposes"] },
  { title: "exCategories", keys: ["categories", "dataCategories"] },
  { title: "exRecipients", keys: ["recipients", "disclosures", "disclosureLog"] },
  { title: "exConsents", keys: ["consents", "events", "register", "notices", "overrides"] },
  { title: "exRetention", keys: ["retention", "retentionPeriods"] },
  { title: "exRights", keys: ["rights", "decisionTerm"] },
  { title: "exSources", keys: ["sources", "source"] },
];
const META_KEYS = new Set(["generatedAt", "createdAt", "language", "lang", "version", "format", "schoolName", "school", "tenantId"]);

/** "disclosureLog" -> "Disclosure log"; known names get their translated label. */
const FIELD_LABELS: Record<string, { nl: string; en: string }> = {
  name: { nl: "Naam", en: "Name" },
  studentNumber: { nl: "Leerlingnummer", en: "Student number" },
  birthDate: { nl: "Geboortedatum", en: "Date of birth" },
  className: { nl: "Klas", en: "Class" },
  recipient: { nl: "Ontvanger", en: "Recipient" },
  party: { nl: "Partij", en: "Party" },
  partyId: { nl: "Partij", en: "Party" },
  purpose: { nl: "Doel", en: "Purpose" },
  purposeId: { nl: "Doel", en: "Purpose" },
  basis: { nl: "Grondslag", en: "Basis" },
  at: { nl: "Datum", en: "Date" },
  sentBy: { nl: "Verstuurd door", en: "Sent by" },
  verdict: { nl: "Uitkomst", en: "Verdict" },
  label: { nl: "Omschrijving", en: "Description" },
  years: { nl: "Jaren", en: "Years" },
  guardians: { nl: "Ouders met gezag, voogden en ouders zonder gezag", en: "Parents with authority, guardians and parents without authority" },
  relation: { nl: "Relatie", en: "Relation" },
  hasAuthority: { nl: "Gezag", en: "Parental authority" },
  emails: { nl: "E-mail", en: "Email" },
  validUntil: { nl: "Geldig tot", en: "Valid until" },
  givenAt: { nl: "Gegeven op", en: "Given on" },
  method: { nl: "Manier", en: "Method" },
  decision: { nl: "Beslissing", en: "Decision" },
  givenBy: { nl: "Gegeven door", en: "Given by" },
  withdrawnAt: { nl: "Ingetrokken op", en: "Withdrawn on" },
  informedAt: { nl: "Geïnformeerd op", en: "Informed on" },
  informationShown: { nl: "Getoonde informatie", en: "Information shown" },
  evidence: { nl: "Bewijs", en: "Evidence" },
  messageId: { nl: "Message-ID", en: "Message-ID" },
  sha256: { nl: "SHA-256", en: "SHA-256" },
  date: { nl: "Datum", en: "Date" },
  reason: { nl: "Reden", en: "Reason" },
  brin: { nl: "BRIN", en: "BRIN" },
  leftDate: { nl: "Uitgeschreven op", en: "Left on" },
  notices: { nl: "Ouders geïnformeerd", en: "Parents informed" },
  overrides: { nl: "Genegeerde waarschuwingen", en: "Overridden warnings" },
  consents: { nl: "Toestemmingen", en: "Consents" },
  decisionTerm: { nl: "Termijn", en: "Term" },
  student: { nl: "Leerling", en: "Student" },
  rights: { nl: "Rechten", en: "Rights" },
  controller: { nl: "Verwerkingsverantwoordelijke", en: "Controller" },
  studentFile: { nl: "Leerlingdossier", en: "Student file" },
  absenceAndEnrolment: { nl: "Verzuim en in-/uitschrijving", en: "Absence and enrolment" },
  referral: { nl: "Verwijzing speciaal onderwijs", en: "Referral to special education" },
  consentRecords: { nl: "Toestemmingen en bewijs", en: "Consent records and evidence" },
  disclosureLog: { nl: "Verstrekkingenregister", en: "Disclosure log" },
};

/** Codes the server uses as values, in words. */
const VALUE_LABELS: Record<string, { nl: string; en: string }> = {
  granted: { nl: "gegeven", en: "given" },
  refused: { nl: "geweigerd", en: "refused" },
  legal: { nl: "wettelijke grondslag", en: "legal basis" },
  consent: { nl: "toestemming", en: "consent" },
  guardian: { nl: "ouder zelf", en: "the parent" },
  override: { nl: "bewust genegeerd", en: "overridden" },
  email: { nl: "e-mail", en: "email" },
  paper: { nl: "papier", en: "paper" },
  oral: { nl: "mondeling", en: "oral" },
  portal: { nl: "ouderportaal", en: "parent portal" },
  letter: { nl: "brief", en: "letter" },
  meeting: { nl: "gesprek", en: "meeting" },
  mother: { nl: "moeder", en: "mother" },
  father: { nl: "vader", en: "father" },
  parent: { nl: "ouder", en: "parent" },
  "foster-parent": { nl: "pleegouder", en: "foster parent" },
};

function labelOf(key: string, lang: Lang): string {
  const known = FIELD_LABELS[key];
  if (known) return known[lang];
  const words = key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/[_-]+/g, " ").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/;

function Value({ v, lang }: { v: unknown; lang: Lang }): JSX.Element {
  const s = useStyles();
  const { t } = useI18n();
  if (v === null || v === undefined) return <>—</>;
  if (typeof v === "boolean") return <>{v ? t("yes") : t("no")}</>;
  if (typeof v === "number") return <>{v}</>;
  if (typeof v === "string") return <>{ISO_DATE.test(v) ? formatDate(v, lang, v.includes("T")) : (VALUE_LABELS[v]?.[lang] ?? v)}</>;
  if (Array.isArray(v)) {
    if (v.length === 0) return <>{t("none")}</>;
    if (v.every((x) => typeof x !== "object" || x === null))
      return (
        <ul>
          {v.map((x, i) => (
            <li key={i}>
              <Value v={x} lang={lang} />
            </li>
          ))}
        </ul>
      );
    const objects = v.filter((x): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x));
    const cols = [...new Set(objects.flatMap((o) => Object.keys(o)))];
    return (
      <table className={s.table}>
        <thead>
          <tr>
            {cols.map((c) => (
              <th key={c} scope="col">
                {labelOf(c, lang)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {objects.map((o, i) => (
            <tr key={i}>
              {cols.map((c) => (
                <td key={c}>
                  <Value v={o[c]} lang={lang} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    );
  }
  const entries = Object.entries(v as Record<string, unknown>);
  return (
    <dl className={s.dl}>
      {entries.map(([k, x]) => (
        <div key={k} style={{ display: "contents" }}>
          <dt className={s.dt}>{labelOf(k, lang)}</dt>
          <dd className={s.dd}>
            <Value v={x} lang={lang} />
          </dd>
        </div>
      ))}
    </dl>
  );
}

function studentNameOf(doc: AccessExport): string | undefined {
  for (const k of ["student", "data", "subject"]) {
    const v = doc[k];
    if (typeof v === "object" && v !== null && "name" in v && typeof (v as { name: unknown }).name === "string") return (v as { name: string }).name;
  }
  return undefined;
}

export function downloadJson(doc: unknown, fileName: string): void {
  const blob = new Blob([JSON.stringify(doc, null, 2)], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function ExportView({ id }: { id: string }): JSX.Element {
  const { api, href, navigate } = useApp();
  const { t, lang } = useI18n();
  const s = useStyles();
  const loaded = useLoad(() => api.exportOf(id), [api, id]);
  if (loaded.loading && !loaded.data) return <Loading />;
  if (loaded.error || !loaded.data) return <ErrorBox error={loaded.error} onRetry={loaded.reload} />;
  const doc = loaded.data;
  const name = studentNameOf(doc) ?? id;
  const used = new Set<string>();
  const sections: ReactNode[] = [];
  for (const sec of SECTIONS) {
    const present = sec.keys.filter((k) => k in doc);
    present.forEach((k) => used.add(k));
    const isRecipients = sec.title === "exRecipients";
    const isRights = sec.title === "exRights";
    const empty = present.every((k) => {
      const v = doc[k];
      return v === undefined || v === null || (Array.isArray(v) && v.length === 0);
    });
    if (!present.length && !isRecipients && !isRights) continue;
    sections.push(
      <section key={sec.title} className={s.section} aria-labelledby={`ex-${sec.title}`} data-section={sec.title}>
        <Title3 as="h2" block id={`ex-${sec.title}`}>
          {t(sec.title)}
        </Title3>
        {isRecipients && empty ? <p>{t("exNoDisclosures")}</p> : null}
        {isRights && empty ? <p>{t("exRightsDefault")}</p> : null}
        {present.map((k) =>
          present.length > 1 ? (
            <div key={k}>
              <Text weight="semibold" as="h3" block>
                {labelOf(k, lang)}
              </Text>
              <Value v={doc[k]} lang={lang} />
            </div>
          ) : (
            <Value key={k} v={doc[k]} lang={lang} />
          ),
        )}
      </section>,
    );
  }
  const rest = Object.keys(doc).filter((k) => !used.has(k) && !META_KEYS.has(k));
  const generatedAt = typeof doc.generatedAt === "string" ? doc.generatedAt : undefined;
  return (
    <article aria-labelledby="export-title" className="zv-export">
      <Title2 as="h1" block id="export-title">
        {t("exportTitle", { name })}
      </Title2>
      <p>{t("exportIntro")}</p>
      {generatedAt ? <p>{t("exportGenerated", { date: formatDate(generatedAt, lang, true) })}</p> : null}
      <div className={`${s.actions} zv-noprint`}>
        <Button appearance="primary" onClick={() => window.print()}>
          {t("exportPrint")}
        </Button>
        <Button onClick={() => downloadJson(doc, `inzage-${id}-${new Date().toISOString().slice(0, 10)}.json`)} data-testid="export-json">
          {t("exportJson")}
        </Button>
        <Link href={href({ view: "student", id })} onClick={(e) => (e.preventDefault(), navigate({ view: "student", id }))}>
          {t("navStudent")}
        </Link>
      </div>
      {sections}
      {rest.length ? (
        <section className={s.section} aria-labelledby="ex-other">
          <Title3 as="h2" block id="ex-other">
            {t("exOther")}
          </Title3>
          <Value v={Object.fromEntries(rest.map((k) => [k, doc[k]]))} lang={lang} />
        </section>
      ) : null}
    </article>
  );
}
