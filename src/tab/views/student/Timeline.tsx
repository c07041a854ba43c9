/** The register timeline: one item per event, with its evidence and chain mark. */
import { Badge, Button, Text } from "@fluentui/react-components";
import { type ReactNode } from "react";
import { type ConsentEvent, type RegisterEvent } from "../../api.js";
import { type Names } from "../../context.js";
import { formatDate, useI18n } from "../../i18n.js";
import { type Guardian, EVENT_LABEL, METHOD_LABEL, VERDICT_LABEL, BASIS_LABEL, actorName } from "./labels.js";
import { useStyles } from "./styles.js";
import { BreachFromOverrideButton } from "../../components/BreachFromOverride.js";

export function Fields({ rows }: { rows: [string, ReactNode][] }): JSX.Element {
  const s = useStyles();
  return (
    <dl className={s.dl}>
      {rows.map(([k, v]) => (
        <div key={k} style={{ display: "contents" }}>
          <dt className={s.dt}>{k}</dt>
          <dd className={s.dd}>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export function EventItem(props: { e: RegisterEvent; studentName: string; verified: boolean; withdrawn: boolean; guardians: Guardian[]; names: Names; onWithdraw(c: ConsentEvent): void }): JSX.Element {
  const { e, names, guardians } = props;
  const { t, lang } = useI18n();
  const s = useStyles();
  const rows: [string, ReactNode][] = [];
  const d = (iso: string): string => formatDate(iso, lang, true);
  switch (e.type) {
    case "consent":
      rows.push([t("fParty"), names.party(e.partyId)], [t("fPurpose"), names.purpose(e.purposeId)], [t("fBy"), actorName(e.givenBy, guardians, t)]);
      rows.push([t("fMethod"), t(METHOD_LABEL[e.method] ?? "unknown")]);
      if (e.heardBy) rows.push([t("fHeardBy"), e.heardBy]);
      rows.push([t("fGivenAt"), d(e.givenAt)]);
      if (e.decision === "granted") rows.push([t("fValidUntil"), formatDate(e.validUntil, lang)]);
      if (e.informationShown) rows.push([t("fInfoShown"), <details key="i"><summary>{e.informationShown.slice(0, 60)}…</summary>{e.informationShown}</details>]);
      break;
    case "withdrawal":
      rows.push([t("fParty"), names.party(e.partyId)], [t("fPurpose"), names.purpose(e.purposeId)], [t("fBy"), actorName(e.by, guardians, t)], [t("fAt"), d(e.at)]);
      if (e.reason) rows.push([t("fReason"), e.reason]);
      break;
    case "notice":
      rows.push([t("fParty"), names.party(e.partyId)], [t("fPurpose"), names.purpose(e.purposeId)], [t("fMethod"), t(METHOD_LABEL[e.method] ?? "unknown")], [t("fAt"), d(e.informedAt)]);
      break;
    case "disclosure":
      rows.push([t("fRecipient"), e.recipient]);
      if (e.partyId) rows.push([t("fParty"), names.party(e.partyId)]);
      if (e.purposeId) rows.push([t("fPurpose"), names.purpose(e.purposeId)]);
      rows.push([t("fBasis"), t(BASIS_LABEL[e.basis] ?? "unknown")], [t("fVerdict"), t(VERDICT_LABEL[e.verdict])], [t("fBy"), e.sentBy], [t("fAt"), d(e.at)]);
      break;
    case "override":
      rows.push([t("fReason"), e.reason], [t("fBy"), e.by], [t("fAt"), d(e.at)]);
      break;
    case "tombstone":
      rows.push([t("fRemoved", { count: e.removedCount }), d(e.at)]);
      break;
  }
  rows.push([t("fRecordedBy"), `${e.recordedBy}, ${d(e.recordedAt)}`]);
  const tone = e.type === "consent" ? (e.decision === "granted" ? s.evConsent : s.evRefusal) : e.type === "withdrawal" ? s.evWithdrawal : s.evOther;
  const evidence = e.type === "consent" ? e.evidence : undefined;
  const title = t(EVENT_LABEL(e));
  return (
    <li className={`${s.event} ${tone}`} data-event-type={e.type} data-event-id={e.id} aria-label={`${title}, ${d(e.recordedAt)}`}>
      <Text weight="semibold">
        {e.seq}. {title}
      </Text>{" "}
      {props.withdrawn ? (
        <Badge appearance="outline" color="danger">
          {t("stWithdrawn")}
        </Badge>
      ) : null}
      <Fields rows={rows} />
      {evidence ? (
        <details>
          <summary>
            {t("fEvidence")}
            {props.verified ? (
              <>
                {" "}
                <Badge appearance="filled" color="success" data-testid="evidence-verified">
                  ✓ {t("verified")}
                </Badge>
              </>
            ) : null}
          </summary>
          <Fields
            rows={[
              [t("fMessageId"), <span key="m" className={s.mono}>{evidence.messageId}</span>],
              [t("fSender"), evidence.sender],
              [t("fAt"), d(evidence.date)],
              [t("fHash"), <span key="h" className={s.mono}>{evidence.sha256}</span>],
              ...(evidence.excerpt ? ([[t("fExcerpt"), evidence.excerpt]] as [string, ReactNode][]) : []),
            ]}
          />
        </details>
      ) : null}
      {/* An override found wrong: opened as a data breach from its check, as in the overview. */}
      {e.type === "override" ? <BreachFromOverrideButton checkId={e.checkId} reason={e.reason} studentName={props.studentName} at={e.at} /> : null}
      {e.type === "consent" && e.decision === "granted" && !props.withdrawn ? (
        <Button size="small" onClick={() => props.onWithdraw(e)} aria-label={`${t("actWithdraw")}: ${names.party(e.partyId)}, ${names.purpose(e.purposeId)}`}>
          {t("actWithdraw")}
        </Button>
      ) : null}
    </li>
  );
}
