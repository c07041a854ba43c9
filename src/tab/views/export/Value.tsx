/** Shows one value of the access export: text, dates and codes in words, lists, tables and definition lists. */
import { makeStyles, tokens } from "@fluentui/react-components";
import { formatDate, useI18n, type Lang } from "../../i18n.js";
import { labelOf, VALUE_LABELS } from "./labels.js";

const useStyles = makeStyles({
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

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2})?)?$/;

export function Value({ v, lang }: { v: unknown; lang: Lang }): JSX.Element {
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

