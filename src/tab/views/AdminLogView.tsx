/**
 * The administrative log (issue 16) for coordinators and the privacy officer: every change and decision
 * (what, who, when, why, the second person), newest first, a page at a time from GET /api/admin-log,
 * with whether the log's own hash chain verifies; and the last audit of the register, which the privacy
 * officer can run again here (GET /api/audit/verify: it needs every school).
 */
import { Button, DataGrid, DataGridBody, DataGridCell, DataGridHeader, DataGridHeaderCell, DataGridRow, MessageBar, MessageBarBody, Text, createTableColumn, makeStyles, tokens, type TableColumnDefinition } from "@fluentui/react-components";
import { TitledSection } from "../components/layout.js";
import { useMemo, useState } from "react";
import type { AdminLogEntry } from "../../../contract/index.js";
import { routes } from "../api.js";
import { useApp, useLoad } from "../context.js";
import { formatDate, useI18n, type MessageKey, type Translate } from "../i18n.js";
import { ErrorBox, LoadedList } from "../components/common.js";
import { useGridFocus } from "../components/useGridFocus.js";
import { ADMIN_LOG_PAGE, detailsText, pageInfo } from "../audit.js";

const useStyles = makeStyles({
  stack: { display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM },
  section: { marginTop: tokens.spacingVerticalXL, display: "flex", flexDirection: "column", gap: tokens.spacingVerticalS },
  grid: { border: `1px solid ${tokens.colorNeutralStroke1}`, borderRadius: tokens.borderRadiusMedium, backgroundColor: tokens.colorNeutralBackground1, overflowX: "auto" },
  header: { backgroundColor: tokens.colorNeutralBackground3 },
  cell: { display: "block", whiteSpace: "normal", overflowWrap: "anywhere", paddingTop: tokens.spacingVerticalXS, paddingBottom: tokens.spacingVerticalXS },
  pager: { display: "flex", gap: tokens.spacingHorizontalM, alignItems: "center", flexWrap: "wrap" },
  bar: { display: "flex", gap: tokens.spacingHorizontalM, alignItems: "center", flexWrap: "wrap" },
  focusable: { ":focus-visible": { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: "-2px" } },
  hidden: { display: "none" },
});

function columns(t: Translate, lang: "nl" | "en", cell: string, names: (ids: string[]) => string): TableColumnDefinition<AdminLogEntry>[] {
  const text = (s: string) => <span className={cell}>{s}</span>;
  return [
    createTableColumn<AdminLogEntry>({ columnId: "when", renderHeaderCell: () => t("alWhen"), renderCell: (e) => text(formatDate(e.at, lang, true)) }),
    createTableColumn<AdminLogEntry>({ columnId: "who", renderHeaderCell: () => t("alWho"), renderCell: (e) => text(e.by) }),
    createTableColumn<AdminLogEntry>({
      columnId: "what",
      renderHeaderCell: () => t("alWhat"),
      renderCell: (e) => (
        <span className={cell}>
          <Text weight="semibold">{t(`al_${e.action}` as MessageKey)}</Text>
          {e.target ? ` ${e.target}` : ""}
          {e.schoolIds.length > 0 ? <Text block size={200}>{names(e.schoolIds)}</Text> : null}
          {Object.keys(e.details).length > 0 ? <Text block size={200}>{detailsText(e.details, t("alYes"), t("alNo"))}</Text> : null}
        </span>
      ),
    }),
    createTableColumn<AdminLogEntry>({ columnId: "why", renderHeaderCell: () => t("alWhy"), renderCell: (e) => text(e.reason ?? "") }),
    createTableColumn<AdminLogEntry>({ columnId: "approver", renderHeaderCell: () => t("alApprover"), renderCell: (e) => text(e.approvedBy ?? "") }),
  ];
}

export function AdminLogView(): JSX.Element {
  const { api, names, recheckAudit } = useApp();
  const { t, lang } = useI18n();
  const s = useStyles();
  const [offset, setOffset] = useState(0);
  const log = useLoad(() => api.call(routes.adminLog, { query: { limit: ADMIN_LOG_PAGE, offset } }), [api, offset]);
  const cols = useMemo(() => columns(t, lang, s.cell, (ids) => ids.map((id) => names.school(id)).join(", ")), [t, lang, s.cell, names]);

  return (
    <TitledSection id="al-title" className={s.stack} title={t("alTitle")}>
      <Text block>{t("alIntro")}</Text>
      {log.data ? (
        log.data.verified ? (
          <MessageBar intent="success" role="status" data-testid="al-chain">
            <MessageBarBody>{t("alChainOk", { n: log.data.total })}</MessageBarBody>
          </MessageBar>
        ) : (
          <MessageBar intent="error" role="alert" data-testid="al-chain">
            <MessageBarBody>{t("alChainBroken", { n: log.data.problems.length })}</MessageBarBody>
          </MessageBar>
        )
      ) : null}
      <LoadedList state={log} isEmpty={(d) => d.entries.length === 0} empty={t("alNone")}>
        {(d) => {
          const page = pageInfo(offset, d.entries.length, d.total);
          return (
            <>
              <div className={s.grid}>
                <EntriesGrid entries={d.entries} columns={cols} />
              </div>
              <nav aria-label={t("alPages")} className={s.pager}>
                <Button disabled={page.newer === undefined} onClick={() => page.newer !== undefined && setOffset(page.newer)}>
                  {t("alNewer")}
                </Button>
                <Text aria-live="polite" data-testid="al-range">
                  {t("alRange", { from: page.from, to: page.to, total: page.total })}
                </Text>
                <Button disabled={page.older === undefined} onClick={() => page.older !== undefined && setOffset(page.older)}>
                  {t("alOlder")}
                </Button>
              </nav>
            </>
          );
        }}
      </LoadedList>
      <RegisterAudit onAudited={recheckAudit} />
    </TitledSection>
  );
}

/** The entries in a DataGrid; the keyboard moves from cell to cell (one tab stop, useGridFocus). */
function EntriesGrid({ entries, columns: cols }: { entries: AdminLogEntry[]; columns: TableColumnDefinition<AdminLogEntry>[] }): JSX.Element {
  const s = useStyles();
  const { t } = useI18n();
  const g = useGridFocus(entries.length, cols.length);
  const index = new Map(entries.map((e, i) => [e.seq, i]));
  const colIndex = new Map(cols.map((c, i) => [c.columnId, i]));
  return (
    <div ref={g.grid} onKeyDown={g.onKeyDown} onFocus={g.onFocus}>
      <DataGrid items={entries} columns={cols} getRowId={(e: AdminLogEntry) => e.seq} focusMode="none" aria-labelledby="al-title" aria-describedby="al-grid-help" data-testid="al-grid">
        <DataGridHeader className={s.header}>
          <DataGridRow>
            {({ renderHeaderCell, columnId }) => (
              <DataGridHeaderCell tabIndex={g.tab(-1, colIndex.get(columnId) ?? 0)} data-cell={`-1:${colIndex.get(columnId) ?? 0}`} className={s.focusable}>
                {renderHeaderCell()}
              </DataGridHeaderCell>
            )}
          </DataGridRow>
        </DataGridHeader>
        <DataGridBody<AdminLogEntry>>
          {({ item, rowId }) => (
            <DataGridRow<AdminLogEntry> key={rowId} data-seq={item.seq}>
              {({ renderCell, columnId }) => {
                const at = `${index.get(item.seq) ?? 0}:${colIndex.get(columnId) ?? 0}`;
                return (
                  <DataGridCell tabIndex={g.tab(index.get(item.seq) ?? 0, colIndex.get(columnId) ?? 0)} data-cell={at} className={s.focusable}>
                    {renderCell(item)}
                  </DataGridCell>
                );
              }}
            </DataGridRow>
          )}
        </DataGridBody>
      </DataGrid>
      <span id="al-grid-help" className={s.hidden}>
        {t("alGridHelp")}
      </span>
    </div>
  );
}

/** The last audit of the register, and running it again (needs every school: the privacy officer). */
function RegisterAudit({ onAudited }: { onAudited(): void }): JSX.Element {
  const { api } = useApp();
  const { t, lang } = useI18n();
  const s = useStyles();
  const status = useLoad(() => api.call(routes.auditStatus), [api]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.call(routes.verifyAll);
      status.reload();
      onAudited();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const st = status.data;
  return (
    <TitledSection id="al-audit" level={2} className={s.section} title={t("alAuditTitle")}>
      {st ? (
        <Text block data-testid="al-audit-state">
          {st.state === "unchecked" ? t("alAuditNever") : t(st.state === "ok" ? "alAuditOk" : "alAuditFailed", { date: formatDate(st.at, lang, true) })}
        </Text>
      ) : null}
      {status.error ? <ErrorBox error={status.error} onRetry={status.reload} /> : null}
      <div className={s.bar}>
        <Button onClick={() => void run()} disabled={busy} data-testid="al-audit-run">
          {t("alAuditRun")}
        </Button>
        <Text size={200}>{t("alAuditOnlyAll")}</Text>
      </div>
      {error ? <ErrorBox error={error} /> : null}
    </TitledSection>
  );
}
