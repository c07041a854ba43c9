/**
 * Four eyes on destruction (issue 16, item 1) in the tab: the proposals waiting for a second person (a
 * retention lowering, a manual purge, a restore, a reseal) with approve and reject, each with its reason
 * (GET /api/approvals, POST /api/approvals/{id}/approve|reject). The proposer sees that their own
 * proposal waits for a second person and gets no buttons; should the server still refuse
 * (403 SECOND_PERSON_REQUIRED) the view says so in words, not as a general error.
 */
import { Badge, Button, Field, Input, MessageBar, MessageBarBody, MessageBarTitle, TableCell, TableRow, Text, makeStyles, tokens } from "@fluentui/react-components";
import { TitledSection } from "../components/layout.js";
import { HeadedTable } from "../components/HeadedTable.js";
import { useState, type FormEvent } from "react";
import type { ApprovalRecord } from "../../../contract/index.js";
import { ApiError, routes } from "../api.js";
import { useApp, useLoad } from "../context.js";
import { formatDate, useI18n, type MessageKey } from "../i18n.js";
import { ErrorBox, LoadedList, Success } from "../components/common.js";
import { useSave } from "../components/useSave.js";
import { useOnboardingTexts } from "./onboarding/texts.js";
import { describeRetention } from "./SetupView.js";

const useStyles = makeStyles({
  stack: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  section: { marginTop: tokens.spacingVerticalXL, display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  form: { display: "flex", gap: tokens.spacingHorizontalS, flexWrap: "wrap", alignItems: "end" },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
});

/** At least as long as the server asks (contract/admin.ts: decisionInput). */
const MIN_REASON = 5;

export function ApprovalsView(): JSX.Element {
  const { api } = useApp();
  const { t, lang } = useI18n();
  const s = useStyles();
  const me = useLoad(() => api.call(routes.me), [api]);
  const list = useLoad(() => api.call(routes.approvals).then((r) => r.approvals), [api]);
  const [done, setDone] = useState<MessageKey>();
  const pending = (all: ApprovalRecord[]) => all.filter((a) => a.state === "proposed");
  const decided = (all: ApprovalRecord[]) => all.filter((a) => a.state !== "proposed").slice(0, 10);

  return (
    <TitledSection id="ap-title" className={s.stack} title={t("apTitle")}>
      <Text block>{t("apIntro")}</Text>
      {done ? <Success>{t(done)}</Success> : null}
      <LoadedList state={list} isEmpty={(d) => pending(d).length === 0} empty={t("apNone")}>
        {(d) => (
          <HeadedTable aria-labelledby="ap-title" data-testid="ap-pending" columns={[t("apWhat"), t("apBy"), t("apWhy"), t("apDecision")]}>
            {pending(d).map((a) => (
              <TableRow key={a.id} data-approval={a.id}>
                <TableCell>
                  <What approval={a} />
                </TableCell>
                <TableCell>
                  {a.proposedBy}
                  <Text block size={200}>
                    {formatDate(a.proposedAt, lang, true)}
                  </Text>
                </TableCell>
                <TableCell>{a.reason}</TableCell>
                <TableCell>
                  {me.data && me.data.user === a.proposedBy ? (
                    <Badge appearance="tint" color="warning" data-testid="ap-own">
                      {t("apWaitSecond")}
                    </Badge>
                  ) : (
                    <Decide
                      approval={a}
                      onDone={(k) => {
                        setDone(k);
                        list.reload();
                      }}
                    />
                  )}
                </TableCell>
              </TableRow>
            ))}
          </HeadedTable>
        )}
      </LoadedList>
      {list.data && decided(list.data).length > 0 ? (
        <TitledSection id="ap-decided" level={2} className={s.section} title={t("apDecided")}>
          <ul className={s.list} data-testid="ap-decided-list">
            {decided(list.data).map((a) => (
              <li key={a.id}>
                <Text>
                  <What approval={a} inline />: {t(`apState_${a.state}` as MessageKey)}
                  {a.decidedBy ? ` (${a.decidedBy}, ${formatDate(a.decidedAt, lang, true)})` : ""}
                  {a.decisionReason ? `: ${a.decisionReason}` : ""}
                </Text>
              </li>
            ))}
          </ul>
        </TitledSection>
      ) : null}
    </TitledSection>
  );
}

/** What a proposal would do, in words: the kind and, for a retention change, the school and new periods. */
function What({ approval: a, inline }: { approval: ApprovalRecord; inline?: boolean }): JSX.Element {
  const { t } = useI18n();
  const { t: ot } = useOnboardingTexts();
  const { names } = useApp();
  const detail = a.kind === "retention-change" ? `${names.school(a.schoolId)}: ${describeRetention(ot, a.retention ?? {})}` : a.kind === "restore" ? (a.backup ?? "") : "";
  return (
    <>
      <Text weight="semibold">{t(`apKind_${a.kind}` as MessageKey)}</Text>
      {detail ? inline ? ` (${detail})` : <Text block size={200}>{detail}</Text> : null}
    </>
  );
}

/** Approve or reject with a reason; the server carries an approval out at once. */
function Decide({ approval: a, onDone }: { approval: ApprovalRecord; onDone(k: MessageKey): void }): JSX.Element {
  const { api } = useApp();
  const { t } = useI18n();
  const s = useStyles();
  const save = useSave();
  const [reason, setReason] = useState("");
  const decide = async (approve: boolean, e?: FormEvent): Promise<void> => {
    e?.preventDefault();
    if (!save.check(reason.trim().length < MIN_REASON ? { reason: t("apReasonHint") } : {})) return;
    await save.run(async () => {
      const input = { params: { id: a.id }, body: { reason: reason.trim() } };
      await (approve ? api.call(routes.approve, input) : api.call(routes.reject, input));
      onDone(approve ? "apApproved" : "apRejected");
    });
  };
  const second = save.error instanceof ApiError && save.error.code === "SECOND_PERSON_REQUIRED";
  return (
    <form className={s.form} onSubmit={(e) => void decide(true, e)} noValidate aria-label={t("apDecideFor", { what: t(`apKind_${a.kind}` as MessageKey), by: a.proposedBy })}>
      <Field label={t("apReason")} hint={t("apReasonHint")} required validationMessage={save.errors.reason}>
        <Input value={reason} onChange={(_, d) => setReason(d.value)} data-testid="ap-reason" />
      </Field>
      <Button type="submit" appearance="primary" disabled={save.busy}>
        {t("apApprove")}
      </Button>
      <Button type="button" disabled={save.busy} onClick={() => void decide(false)}>
        {t("apReject")}
      </Button>
      {second ? (
        <MessageBar intent="warning" role="alert" layout="multiline" data-testid="ap-second">
          <MessageBarBody>
            <MessageBarTitle>{t("apSecondTitle")}</MessageBarTitle>
            {t("apSecondText")}
          </MessageBarBody>
        </MessageBar>
      ) : save.error ? (
        <ErrorBox error={save.error} />
      ) : null}
    </form>
  );
}
