/** A student's state per party (rows) and purpose (columns): which party or purpose is missing, not one summary. */
import { Badge } from "@fluentui/react-components";
import { type ConsentStatus } from "../../api.js";
import { type Names } from "../../context.js";
import { type Translate } from "../../i18n.js";
import { STATUS_COLOR, STATUS_LABEL } from "./labels.js";
import { useStyles } from "./styles.js";

export function PairsMatrix({ status, names, t }: { status: ConsentStatus[]; names: Names; t: Translate }): JSX.Element {
  const s = useStyles();
  const parties = [...new Set(status.map((x) => x.partyId))].sort((a, b) => names.party(a).localeCompare(names.party(b), "nl"));
  const purposes = [...new Set(status.map((x) => x.purposeId))].sort((a, b) => names.purpose(a).localeCompare(names.purpose(b), "nl"));
  const at = new Map(status.map((x) => [`${x.partyId}\u0000${x.purposeId}`, x]));
  return (
    <table className={s.table} data-testid="pairs-matrix">
      <caption className="zv-visually-hidden">{t("pairsCaption")}</caption>
      <thead>
        <tr>
          <td />
          {purposes.map((p) => (
            <th key={p} scope="col">
              {names.purpose(p)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {parties.map((party) => (
          <tr key={party}>
            <th scope="row">{names.party(party)}</th>
            {purposes.map((p) => {
              const st = at.get(`${party}\u0000${p}`);
              return (
                <td key={p}>
                  {st ? (
                    <Badge appearance="tint" color={STATUS_COLOR[st.state]}>
                      {t(STATUS_LABEL[st.state])}
                    </Badge>
                  ) : (
                    <span>{t("pairNone")}</span>
                  )}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
