import { Button, Field, Input, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, Title2, Title3, makeStyles, tokens } from "@fluentui/react-components";
import { useState } from "react";
import { routes, type Breach, type ReviewItem } from "../api.js";
import { useApp, useLoad } from "../context.js";
import { formatDate, useI18n, type MessageKey } from "../i18n.js";
import { Empty, ErrorBox, Loading, Success } from "../components/common.js";

const useStyles = makeStyles({
  stack: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalL },
  actions: { display: "flex", gap: tokens.spacingHorizontalS, flexWrap: "wrap", alignItems: "end" },
  list: { margin: 0, paddingLeft: tokens.spacingHorizontalL },
});

/** Hours until the 72-hour deadline (DOMAIN.md section 7), rounded down; negative when passed. */
export function hoursLeft(deadline: string, now = Date.now()): number {
  return Math.floor((Date.parse(deadline) - now) / 3_600_000);
}

/**
 * "Te beoordelen" (coordinators): the mails found in Sent Items that the rules would not allow at the
 * time they were sent, with recipients, students, subject and reasons (never a body), and the decision:
 * lawful (logged as a disclosure with who decided) or a data breach; and the breach register with the
 * 72-hour countdown from the moment the school became aware.
 */
export function ReviewView(): JSX.Element {
  const { api, href, navigate } = useApp();
  const { t, lang } = useI18n();
  const s = useStyles();
  const items = useLoad(() => api.call(routes.reviewList, { query: { state: "open" } }).then((r) => r.items), [api]);
  const breaches = useLoad(() => api.call(routes.breaches).then((r) => r.breaches), [api]);
  const [note, setNote] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string>();
  const [failed, setFailed] = useState<unknown>();

  const decide = async (item: ReviewItem, decision: "lawful" | "breach") => {
    setDone(undefined);
    setFailed(undefined);
    try {
      const text = note[item.id]?.trim();
      await api.call(routes.decideReview, { params: { id: item.id }, body: { decision, ...(text ? { note: text } : {}) } });
      setDone(t("rvDecided"));
      items.reload();
      breaches.reload();
    } catch (e) {
      setFailed(e);
    }
  };

  return (
    <div className={s.stack}>
      <section aria-labelledby="rv-title" className={s.stack}>
        <Title2 as="h1" block id="rv-title">
          {t("rvTitle")}
        </Title2>
        <Text>{t("rvIntro")}</Text>
        {done ? <Success>{done}</Success> : null}
        {failed ? <ErrorBox error={failed} /> : null}
        {items.loading && !items.data ? <Loading /> : null}
        {items.error ? <ErrorBox error={items.error} onRetry={items.reload} /> : null}
        {items.data && items.data.length === 0 ? <Empty>{t("rvEmpty")}</Empty> : null}
        {items.data && items.data.length > 0 ? (
          <Table aria-labelledby="rv-title" data-testid="review-table">
            <TableHeader>
              <TableRow>
                <TableHeaderCell>{t("rvSent")}</TableHeaderCell>
                <TableHeaderCell>{t("rvKind")}</TableHeaderCell>
                <TableHeaderCell>{t("rvTo")}</TableHeaderCell>
                <TableHeaderCell>{t("rvStudents")}</TableHeaderCell>
                <TableHeaderCell>{t("rvSubject")}</TableHeaderCell>
                <TableHeaderCell>{t("rvReasons")}</TableHeaderCell>
                <TableHeaderCell>{t("rvNote")}</TableHeaderCell>
              </TableRow>
            </TableHeader>
            <TableBody>
              {items.data.map((r) => (
                <TableRow key={r.id} data-review={r.id}>
                  <TableCell>
                    {formatDate(r.sentAt, lang, true)}
                    <br />
                    <Text size={200}>
                      {t("rvFrom")}: {r.mailbox}
                    </Text>
                  </TableCell>
                  <TableCell>{t(`rvKind_${r.kind}` as MessageKey)}</TableCell>
                  <TableCell>{[...r.to, ...r.cc, ...r.bcc].join(", ")}</TableCell>
                  <TableCell>
                    {r.students.map((st, i) => (
                      <span key={st.id}>
                        {i > 0 ? ", " : ""}
                        <a
                          href={href({ view: "student", id: st.id })}
                          onClick={(e) => {
                            e.preventDefault();
                            navigate({ view: "student", id: st.id });
                          }}
                        >
                          {st.name}
                        </a>
                      </span>
                    ))}
                  </TableCell>
                  <TableCell>{r.subject}</TableCell>
                  <TableCell>
                    <ul className={s.list}>
                      {r.reasons.map((q, i) => (
                        <li key={i}>
                          {q.recipient}: {lang === "en" ? q.en : q.nl}
                        </li>
                      ))}
                    </ul>
                  </TableCell>
                  <TableCell>
                    <div className={s.actions}>
                      <Field label={t("rvNote")}>
                        <Input value={note[r.id] ?? ""} onChange={(_, d) => setNote({ ...note, [r.id]: d.value })} />
                      </Field>
                      <Button onClick={() => void decide(r, "lawful")}>{t("rvLawful")}</Button>
                      <Button appearance="primary" onClick={() => void decide(r, "breach")}>
                        {t("rvBreach")}
                      </Button>
                    </div>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        ) : null}
      </section>
      <section aria-labelledby="br-title" className={s.stack}>
        <Title3 as="h2" block id="br-title">
          {t("brTitle")}
        </Title3>
        {breaches.error ? <ErrorBox error={breaches.error} onRetry={breaches.reload} /> : null}
        {breaches.data && breaches.data.length === 0 ? <Empty>{t("brEmpty")}</Empty> : null}
        {breaches.data && breaches.data.length > 0 ? <BreachTable breaches={breaches.data} /> : null}
      </section>
    </div>
  );
}

function BreachTable({ breaches }: { breaches: Breach[] }): JSX.Element {
  const { t, lang } = useI18n();
  return (
    <Table aria-labelledby="br-title" data-testid="breach-table">
      <TableHeader>
        <TableRow>
          <TableHeaderCell>{t("rvStudents")}</TableHeaderCell>
          <TableHeaderCell>{t("rvTo")}</TableHeaderCell>
          <TableHeaderCell>{t("brFlagged")}</TableHeaderCell>
          <TableHeaderCell>{t("brAware")}</TableHeaderCell>
          <TableHeaderCell>{t("brDeadline")}</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {breaches.map((b) => {
          const h = hoursLeft(b.deadline);
          return (
            <TableRow key={b.id}>
              <TableCell>
                {b.students.map((x) => x.name).join(", ")}
                <br />
                <Text size={200}>{b.what}</Text>
              </TableCell>
              <TableCell>{b.recipients.join(", ")}</TableCell>
              <TableCell>{formatDate(b.flaggedAt, lang, true)}</TableCell>
              <TableCell>{formatDate(b.awareAt, lang, true)}</TableCell>
              <TableCell data-testid="breach-deadline">
                {formatDate(b.deadline, lang, true)} ({h >= 0 ? t("brLeft", { h }) : t("brOverdue")})
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
