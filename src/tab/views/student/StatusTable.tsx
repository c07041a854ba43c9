/** The current consent state per party and purpose. */
import { Badge } from "@fluentui/react-components";
import { type ConsentStatus } from "../../api.js";
import { type Names } from "../../context.js";
import { formatDate, type Translate, type Lang } from "../../i18n.js";
import { type Guardian, STATUS_LABEL, STATUS_COLOR } from "./labels.js";
import { useStyles } from "./styles.js";

export function StatusTable({ status, names, guardians, t, lang }: { status: ConsentStatus[]; names: Names; guardians: Guardian[]; t: Translate; lang: Lang }): JSX.Element {
  const holder = (id: string): string => guardians.find((g) => g.id === id)?.name ?? id;
  const s = useStyles();
  return (
    <table className={s.table}>
      <caption className="zv-visually-hidden">{t("currentStatus")}</caption>
      <thead>
        <tr>
          <th scope="col">{t("fParty")}</th>
          <th scope="col">{t("fPurpose")}</th>
          <th scope="col">{t("colState")}</th>
          <th scope="col">{t("fValidUntil")}</th>
        </tr>
      </thead>
      <tbody>
        {status.map((st) => (
          <tr key={`${st.partyId}|${st.purposeId}`}>
            <td>{names.party(st.partyId)}</td>
            <td>{names.purpose(st.purposeId)}</td>
            <td>
              <Badge appearance="tint" color={STATUS_COLOR[st.state]}>
                {t(STATUS_LABEL[st.state])}
              </Badge>
              {st.holdersMissing.length ? <div>{t("holdersMissing", { names: st.holdersMissing.map(holder).join(", ") })}</div> : null}
            </td>
            <td>{formatDate(st.validUntil, lang)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
