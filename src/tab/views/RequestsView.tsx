import { Badge, Button, Checkbox, TableCell, TableRow, Text, makeStyles, tokens } from "@fluentui/react-components";
import { RouteLink, TitledSection, OptionSelect } from "../components/layout.js";
import { HeadedTable } from "../components/HeadedTable.js";
import { useState } from "react";
import type { RequestState } from "../../../contract/enums.js";
import type { RenewalResult } from "../../../contract/index.js";
import { routes } from "../api.js";
import { REQUEST_FILTERS, useApp, useLoad, type RequestFilter } from "../context.js";
import { formatDate, useI18n, type MessageKey } from "../i18n.js";
import { Empty, ErrorBox, LoadedList, Loading, Success } from "../components/common.js";
import { PdfButton } from "../components/PdfButton.js";
import { RemindersDue } from "../components/RemindersDue.js";

/**
 * "Open verzoeken" (issue 17): every consent request and where each letter stands (sent, opened on the
 * parents' page, answered, expired), and the renewal round: the consents that end this school year,
 * previewed and asked again in one go.
 */

const useStyles = makeStyles({
  bar: { display: "flex", gap: tokens.spacingHorizontalM, alignItems: "end", flexWrap: "wrap", margin: `${tokens.spacingVerticalM} 0` },
  label: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalXXS },
  section: { marginTop: tokens.spacingVerticalXXL },
  letters: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
  wrap: { overflowX: "auto" },
});

const STATE_KEY: Record<RequestState, MessageKey> = {
  created: "rqStateCreated",
  sent: "rqStateSent",
  opened: "rqStateOpened",
  answered: "rqStateAnswered",
  expired: "rqStateExpired",
};
const STATE_COLOR: Record<RequestState, "informative" | "brand" | "success" | "warning" | "subtle"> = {
  created: "subtle",
  sent: "informative",
  opened: "brand",
  answered: "success",
  expired: "warning",
};

export function RequestsView({ state }: { state?: RequestFilter }): JSX.Element {
  const { api } = useApp();
  const { t, lang } = useI18n();
  const s = useStyles();
  const [filter, setFilter] = useState<RequestFilter | "">(state ?? "");
  const list = useLoad(() => api.call(routes.openRequests, { query: filter ? { state: filter } : {} }), [api, filter]);
  return (
    <TitledSection id="rq-title" title={t("rqTitle")}>
      <Text block>{t("rqIntro")}</Text>
      <div className={s.bar}>
        <label className={s.label}>
          <Text weight="semibold">{t("rqFilter")}</Text>
          <OptionSelect value={filter} data-testid="rq-filter" onChange={(_, d) => setFilter((REQUEST_FILTERS as readonly string[]).includes(d.value) ? (d.value as RequestFilter) : "")} options={REQUEST_FILTERS} label={(st) => t(st === "open" ? "rqStateOpen" : STATE_KEY[st])} allLabel={t("rqAll")} />
        </label>
      </div>
      <RemindersDue onSent={list.reload} testId="rq-due" />
      <LoadedList state={list} isEmpty={(d) => d.requests.length === 0} empty={t("rqNone")}>
        {(data) => (
          <div className={s.wrap}>
            <HeadedTable aria-label={t("rqTitle")} data-testid="rq-table" size="small" columns={[t("rqStudent"), t("rqParty"), t("rqAsked"), t("rqState"), t("rqPerHolder"), t("rqPaper")]}>
              {data.requests.map((r) => (
                <TableRow key={r.requestId} data-testid={`rq-${r.requestId}`}>
                  <TableCell>
                    <RouteLink to={{ view: "student", id: r.studentId }}>
                      {r.studentName}
                    </RouteLink>{" "}
                    ({r.className})
                  </TableCell>
                  <TableCell>
                    {r.partyName}: {r.purposeLabel}
                  </TableCell>
                  <TableCell>
                    {formatDate(r.sentAt ?? r.createdAt, lang)}
                    {r.linkExpiresAt ? (
                      <Text block size={200}>
                        {t("rqLinkUntil", { date: formatDate(r.linkExpiresAt, lang) })}
                      </Text>
                    ) : null}
                  </TableCell>
                  <TableCell>
                    <Badge appearance="tint" color={STATE_COLOR[r.state]}>
                      {t(STATE_KEY[r.state])}
                    </Badge>
                  </TableCell>
                  <TableCell>
                    <ul className={s.letters}>
                      {r.letters.map((l) => (
                        <li key={l.holder}>
                          {l.name}: {t(STATE_KEY[l.state])}
                          {l.decision ? ` (${t(l.decision === "granted" ? "rqGranted" : "rqRefused")}${l.withdrawnAt ? `, ${t("rqWithdrawn")}` : ""})` : ""}
                          {l.reminders > 0 ? `, ${t("rqReminders", { n: l.reminders })}${l.lastReminderAuto ? ` (${t("rqLastAuto")})` : ""}` : ""}
                          {l.reminderDue ? (
                            <>
                              {", "}
                              <Text weight="semibold">{t("rqReminderDue")}</Text>
                            </>
                          ) : null}
                        </li>
                      ))}
                    </ul>
                  </TableCell>
                  <TableCell>
                    <PdfButton
                      size="small"
                      label={t("docFormPdf")}
                      ariaLabel={t("docFormPdfFor", { name: r.studentName })}
                      fileName={`toestemmingsformulier-${r.requestId}.pdf`}
                      fetchPdf={() => api.download(routes.consentForm, { params: { id: r.requestId } })}
                      testId={`rq-form-${r.requestId}`}
                    />
                  </TableCell>
                </TableRow>
              ))}
            </HeadedTable>
          </div>
        )}
      </LoadedList>
      <RenewalRound onDone={list.reload} />
    </TitledSection>
  );
}

/** Choose the consents that end this school year, preview them, and send the requests in one go. */
function RenewalRound({ onDone }: { onDone(): void }): JSX.Element {
  const { api } = useApp();
  const { t, lang } = useI18n();
  const s = useStyles();
  const [shown, setShown] = useState(false);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<RenewalResult | undefined>();
  const [error, setError] = useState<unknown>();
  const keyOf = (c: { studentId: string; partyId: string; purposeId: string }) => `${c.studentId}|${c.partyId}|${c.purposeId}`;
  const preview = useLoad(
    async () => {
      if (!shown) return undefined;
      const [p, me] = await Promise.all([api.call(routes.renewalPreview, { query: {} }), api.call(routes.me)]);
      setChosen(new Set(p.candidates.filter((c) => !c.openRequestId).map(keyOf)));
      return { ...p, graph: me.graph };
    },
    [api, shown],
  );
  const send = async () => {
    const data = preview.data;
    if (!data) return;
    setBusy(true);
    setError(undefined);
    try {
      const items = data.candidates.filter((c) => chosen.has(keyOf(c))).map((c) => ({ studentId: c.studentId, partyId: c.partyId, purposeId: c.purposeId }));
      const r = await api.call(routes.renewalRound, { body: { items, lang, send: data.graph } });
      setResult(r);
      onDone();
      preview.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <TitledSection id="rn-title" level={2} className={s.section} title={t("rnTitle")}>
      <Text block>{t("rnIntro")}</Text>
      {!shown ? (
        <div className={s.bar}>
          <Button appearance="primary" data-testid="rn-preview" onClick={() => setShown(true)}>
            {t("rnPreview")}
          </Button>
        </div>
      ) : null}
      {shown && preview.loading && !preview.data ? <Loading /> : null}
      {preview.error ? <ErrorBox error={preview.error} onRetry={preview.reload} /> : null}
      {result ? (
        <Success>
          {t("rnDone", { n: result.created.length })}
          {result.failed.length ? ` ${t("rnFailed", { n: result.failed.length })}` : ""}
        </Success>
      ) : null}
      {error ? <ErrorBox error={error} /> : null}
      {preview.data ? (
        preview.data.candidates.length === 0 ? (
          <Empty>{t("rnNone", { date: formatDate(preview.data.schoolYearEnd, lang) })}</Empty>
        ) : (
          <>
            <Text block>{t("rnCount", { n: preview.data.candidates.length, date: formatDate(preview.data.schoolYearEnd, lang) })}</Text>
            <div className={s.wrap}>
              <HeadedTable aria-label={t("rnTitle")} data-testid="rn-table" size="small" columns={[t("rnChoose"), t("rqStudent"), t("rqParty"), t("rnUntil")]}>
                {preview.data.candidates.map((c) => {
                  const k = keyOf(c);
                  return (
                    <TableRow key={k}>
                      <TableCell>
                        <Checkbox
                          checked={chosen.has(k)}
                          aria-label={t("rnChooseOne", { name: c.studentName, party: c.partyName })}
                          onChange={(_, d) => {
                            const next = new Set(chosen);
                            if (d.checked === true) next.add(k);
                            else next.delete(k);
                            setChosen(next);
                          }}
                        />
                      </TableCell>
                      <TableCell>
                        <RouteLink to={{ view: "student", id: c.studentId }}>
                          {c.studentName}
                        </RouteLink>{" "}
                        ({c.className})
                      </TableCell>
                      <TableCell>
                        {c.partyName}: {c.purposeLabel}
                        {c.openRequestId ? (
                          <Text block size={200}>
                            {t("rnAlreadyAsked")}
                          </Text>
                        ) : null}
                      </TableCell>
                      <TableCell>{formatDate(c.validUntil, lang)}</TableCell>
                    </TableRow>
                  );
                })}
              </HeadedTable>
            </div>
            <div className={s.bar}>
              <Button appearance="primary" data-testid="rn-send" disabled={busy || chosen.size === 0} onClick={() => void send()}>
                {preview.data.graph ? t("rnSend", { n: chosen.size }) : t("rnCreate", { n: chosen.size })}
              </Button>
            </div>
          </>
        )
      ) : null}
    </TitledSection>
  );
}
