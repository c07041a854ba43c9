/** A student's page: the register timeline, the consent state, and the forms to record consent, notices and withdrawals (parts in student/). */
import { Badge, Title2, Title3 } from "@fluentui/react-components";
import { RouteLink } from "../components/layout.js";
import { useMemo, useState } from "react";
import { routes, type ConsentEvent, type StudentRegister } from "../api.js";
import { useApp, useLoad } from "../context.js";
import { useI18n, type MessageKey } from "../i18n.js";
import { ErrorBox, Loading, Success } from "../components/common.js";
import { type Guardian } from "./student/labels.js";
import { useStyles } from "./student/styles.js";
import { EventItem } from "./student/Timeline.js";
import { ConsentForm, NoticeForm, WithdrawDialog } from "./student/forms.js";
import { StatusTable } from "./student/StatusTable.js";
import { PairsMatrix } from "./student/PairsMatrix.js";


export function StudentView({ id }: { id: string }): JSX.Element {
  const { api, names } = useApp();
  const { t, lang } = useI18n();
  const s = useStyles();
  const reg = useLoad<StudentRegister>(() => api.call(routes.register, { params: { id } }), [api, id]);
  const studentLoad = useLoad(async () => {
    const student = await api.call(routes.student, { params: { id } });
    const policy = await api.call(routes.policy, { params: { schoolId: student.schoolId } }).catch(() => undefined);
    return { guardians: student.guardians as Guardian[], who: { birthDate: student.birthDate, consentAge: policy?.studentConsentAge ?? 16 } };
  }, [api, id]);
  const guardiansLoad = studentLoad;
  const guardians = studentLoad.data?.guardians ?? [];
  const who = studentLoad.data?.who;
  const [message, setMessage] = useState<MessageKey>();
  const [withdrawing, setWithdrawing] = useState<ConsentEvent>();

  const withdrawnIds = useMemo(() => new Set((reg.data?.events ?? []).flatMap((e) => (e.type === "withdrawal" ? [e.consentId] : []))), [reg.data]);
  const events = useMemo(() => [...(reg.data?.events ?? [])].sort((a, b) => b.seq - a.seq), [reg.data]);

  const done = (msg: MessageKey): void => {
    setWithdrawing(undefined);
    setMessage(msg);
    reg.reload();
  };

  if (reg.loading && !reg.data) return <Loading />;
  if (reg.error || !reg.data) return <ErrorBox error={reg.error} onRetry={reg.reload} />;
  const r = reg.data;
  return (
    <section aria-labelledby="student-title">
      <div className={s.head}>
        <Title2 as="h1" block id="student-title">
          {t("studentTitle", { name: r.student.name })}
        </Title2>
        <nav className={s.links} aria-label={t("navStudent")}>
          <RouteLink to={{ view: "register" }}>
            {t("back")}
          </RouteLink>
          <RouteLink to={{ view: "export", id }}>
            {t("exportLink")}
          </RouteLink>
        </nav>
      </div>
      <p>
        {r.chain.verified ? (
          <Badge appearance="tint" color="success" data-testid="chain-verified">
            ✓ {t("chainVerified")}
          </Badge>
        ) : (
          <Badge appearance="filled" color="danger" role="alert">
            {t("chainBroken", { count: r.chain.problems.length })}
          </Badge>
        )}
      </p>
      {message ? <Success>{t(message)}</Success> : null}
      <div className={s.columns}>
        <div>
          <Title3 as="h2" block>{t("currentStatus")}</Title3>
          {r.status.length ? <StatusTable status={r.status} names={names} guardians={guardians} t={t} lang={lang} /> : <p>{t("statusEmpty")}</p>}
          {r.status.length > 1 ? (
            <>
              <Title3 as="h2" block>{t("pairsTitle")}</Title3>
              <PairsMatrix status={r.status} names={names} t={t} />
            </>
          ) : null}
          <Title3 as="h2" block>{t("timeline")}</Title3>
          {events.length ? (
            <ol className={s.timeline} aria-label={t("timeline")} data-testid="timeline">
              {events.map((e) => (
                <EventItem
                  key={e.id}
                  e={e}
                  studentName={r.student.name}
                  verified={r.chain.verified}
                  withdrawn={withdrawnIds.has(e.id)}
                  guardians={guardians}
                  names={names}
                  onWithdraw={setWithdrawing}
                />
              ))}
            </ol>
          ) : (
            <p>{t("timelineEmpty")}</p>
          )}
        </div>
        <aside aria-label={t("actions")}>
          {guardiansLoad.error ? <ErrorBox error={guardiansLoad.error} onRetry={guardiansLoad.reload} /> : null}
          <ConsentForm studentId={id} guardians={guardians} who={who} onDone={done} />
          <NoticeForm studentId={id} onDone={done} />
        </aside>
      </div>
      {withdrawing ? <WithdrawDialog consent={withdrawing} guardians={guardians} who={who} onClose={() => setWithdrawing(undefined)} onDone={done} /> : null}
    </section>
  );
}
