/**
 * The access export (inzage, art. 15 AVG) of one student, readable and printable, plus the JSON the
 * server produced. The server decides the content (and redacts other people's data); this page lays out
 * the contract's AccessExport in the order of DOMAIN.md section 6.
 */
import { Button, Text, Title2, Title3, makeStyles, tokens } from "@fluentui/react-components";
import { RouteLink } from "../components/layout.js";
import { routes, type AccessExport } from "../api.js";
import { useApp, useLoad } from "../context.js";
import { formatDate, useI18n, type MessageKey } from "../i18n.js";
import { ErrorBox, Loading } from "../components/common.js";
import { labelOf } from "./export/labels.js";
import { Value } from "./export/Value.js";
import { downloadJson } from "./export/download.js";
import { PdfButton } from "../components/PdfButton.js";

const useStyles = makeStyles({
  actions: { display: "flex", gap: tokens.spacingHorizontalM, flexWrap: "wrap", marginBottom: tokens.spacingVerticalL },
  section: { marginBottom: tokens.spacingVerticalXL, breakInside: "avoid-page" },
});

type Field = Exclude<keyof AccessExport, "generatedAt">;

/** Sections in the order of DOMAIN.md section 6, with the export's fields each shows. */
const SECTIONS: { title: MessageKey; fields: Field[]; whenEmpty?: MessageKey }[] = [
  { title: "exController", fields: ["controller"] },
  { title: "exData", fields: ["student", "guardians"] },
  { title: "exPurposes", fields: ["purposes"] },
  { title: "exCategories", fields: ["categories"] },
  { title: "exRecipients", fields: ["recipients"], whenEmpty: "exNoDisclosures" },
  { title: "exConsents", fields: ["consents", "notices", "overrides"] },
  { title: "exRetention", fields: ["retention"] },
  { title: "exRights", fields: ["rights", "decisionTerm"], whenEmpty: "exRightsDefault" },
  { title: "exSources", fields: ["sources"] },
];
/** Every field of the export has its section: the compiler says so when the contract grows one. */
const _everyField: Record<Field, true> = Object.fromEntries(SECTIONS.flatMap((s) => s.fields.map((f) => [f, true]))) as Record<Field, true>;
void _everyField;

const isEmpty = (v: unknown): boolean => v === undefined || v === null || (Array.isArray(v) && v.length === 0);

export function ExportView({ id }: { id: string }): JSX.Element {
  const { api } = useApp();
  const { t, lang } = useI18n();
  const s = useStyles();
  const loaded = useLoad(() => api.call(routes.accessExport, { params: { id } }), [api, id]);
  if (loaded.loading && !loaded.data) return <Loading />;
  if (loaded.error || !loaded.data) return <ErrorBox error={loaded.error} onRetry={loaded.reload} />;
  const doc = loaded.data;
  return (
    <article aria-labelledby="export-title" className="zv-export">
      <Title2 as="h1" block id="export-title">
        {t("exportTitle", { name: doc.student.name })}
      </Title2>
      <p>{t("exportIntro")}</p>
      <p>{t("exportGenerated", { date: formatDate(doc.generatedAt, lang, true) })}</p>
      <div className={`${s.actions} zv-noprint`}>
        <Button appearance="primary" onClick={() => window.print()}>
          {t("exportPrint")}
        </Button>
        <PdfButton
          label={t("docLetterPdf")}
          fileName={`inzage-${id}-${new Date().toISOString().slice(0, 10)}.pdf`}
          fetchPdf={() => api.download(routes.accessLetter, { params: { id } })}
          testId="export-pdf"
        />
        <PdfButton
          label={t("docLetterPdfEn")}
          fileName={`access-${id}-${new Date().toISOString().slice(0, 10)}.pdf`}
          fetchPdf={() => api.download(routes.accessLetter, { params: { id }, query: { lang: "en" } })}
          testId="export-pdf-en"
        />
        <Button onClick={() => downloadJson(doc, `inzage-${id}-${new Date().toISOString().slice(0, 10)}.json`)} data-testid="export-json">
          {t("exportJson")}
        </Button>
        <RouteLink to={{ view: "student", id }}>
          {t("navStudent")}
        </RouteLink>
      </div>
      {SECTIONS.map((sec) => {
        const present = sec.fields.filter((f) => doc[f] !== undefined);
        const empty = present.every((f) => isEmpty(doc[f]));
        if (present.length === 0 && !sec.whenEmpty) return null;
        return (
          <section key={sec.title} className={s.section} aria-labelledby={`ex-${sec.title}`} data-section={sec.title}>
            <Title3 as="h2" block id={`ex-${sec.title}`}>
              {t(sec.title)}
            </Title3>
            {sec.whenEmpty && empty ? <p>{t(sec.whenEmpty)}</p> : null}
            {present.map((f) =>
              present.length > 1 ? (
                <div key={f}>
                  <Text weight="semibold" as="h3" block>
                    {labelOf(f, lang)}
                  </Text>
                  <Value v={doc[f]} lang={lang} />
                </div>
              ) : (
                <Value key={f} v={doc[f]} lang={lang} />
              ),
            )}
          </section>
        );
      })}
    </article>
  );
}
