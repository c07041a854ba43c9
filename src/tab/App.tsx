import {
  FluentProvider,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  Select,
  Text,
  makeStyles,
  tokens,
} from "@fluentui/react-components";
import { Suspense, useCallback, useEffect, useMemo, useRef, useState, type MouseEvent } from "react";
import { routes, type TabApi } from "./api.js";
import { AppContext, hrefOf, makeNames, routeFromParams, useLoad, type AppContextValue, type OverrideRef, type RequestFilter, type Route } from "./context.js";
import type { Host, HostTheme } from "./host.js";
import { I18nContext, formatDate, translator, useI18n, type Lang, type MessageKey } from "./i18n.js";
import { THEMES, colorSchemeOf, themeStyle } from "../shared/theme.js";
import { ErrorBox, Loading } from "./components/common.js";
import { ViewBoundary, lazyView } from "./components/ViewBoundary.js";
import { RegisterView } from "./views/RegisterView.js";
import { auditFailed, mayReadAdminLog, problemCount } from "./audit.js";
import type { AuditStatus } from "../../contract/index.js";

// The register is the first screen and comes with the app; every other view is a chunk of its own,
// loaded when it is first opened (scripts/build.ts splits the tab's bundle), and loaded again when its
// chunk failed and the user asks to try again (ViewBoundary).
const StudentView = lazyView<{ id: string }>(async () => (await import("./views/StudentView.js")).StudentView);
const ExportView = lazyView<{ id: string }>(async () => (await import("./views/ExportView.js")).ExportView);
const DirectoryView = lazyView(async () => (await import("./views/DirectoryView.js")).DirectoryView);
const OverviewView = lazyView(async () => (await import("./views/OverviewView.js")).OverviewView);
const RequestsView = lazyView<{ state?: RequestFilter }>(async () => (await import("./views/RequestsView.js")).RequestsView);
const ReviewView = lazyView<{ override?: OverrideRef }>(async () => (await import("./views/ReviewView.js")).ReviewView);
const AdminLogView = lazyView(async () => (await import("./views/AdminLogView.js")).AdminLogView);
const ApprovalsView = lazyView(async () => (await import("./views/ApprovalsView.js")).ApprovalsView);
const ImportView = lazyView(async () => (await import("./views/ImportView.js")).ImportView);
const GuardiansView = lazyView<{ id?: string | undefined }>(async () => (await import("./views/GuardiansView.js")).GuardiansView);
const SetupView = lazyView(async () => (await import("./views/SetupView.js")).SetupView);
const LAZY_VIEWS = [StudentView, ExportView, DirectoryView, OverviewView, RequestsView, ReviewView, AdminLogView, ApprovalsView, ImportView, GuardiansView, SetupView];
/** A new import() of each view whose chunk failed to load. */
const retryViews = (): void => LAZY_VIEWS.forEach((v) => v.retry());

/**
 * Follows the host's theme live (Teams theme changes, or the dev switcher) and stops listening when the
 * component unmounts. The page's `color-scheme` follows too, so the scrollbars match.
 */
export function useHostTheme(host: Host): [HostTheme, (t: HostTheme) => void] {
  const [theme, setTheme] = useState<HostTheme>(host.theme());
  useEffect(() => {
    setTheme(host.theme());
    return host.onThemeChange(setTheme);
  }, [host]);
  useEffect(() => {
    document.documentElement.style.colorScheme = colorSchemeOf(theme);
  }, [theme]);
  const choose = useCallback(
    (t: HostTheme) => {
      if ("setTheme" in host && typeof host.setTheme === "function") (host.setTheme as (x: HostTheme) => void)(t);
      else setTheme(t);
    },
    [host],
  );
  return [theme, choose];
}

const useStyles = makeStyles({
  root: { minHeight: "100vh", backgroundColor: tokens.colorNeutralBackground2, color: tokens.colorNeutralForeground1 },
  header: {
    display: "flex",
    flexWrap: "wrap",
    alignItems: "center",
    gap: tokens.spacingHorizontalL,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalXL}`,
    backgroundColor: tokens.colorNeutralBackground1,
    borderBottom: `1px solid ${tokens.colorNeutralStroke1}`,
  },
  brand: { display: "flex", flexDirection: "column", marginRight: tokens.spacingHorizontalL },
  nav: { display: "flex", gap: tokens.spacingHorizontalXS, flexWrap: "wrap" },
  navLink: {
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    borderRadius: tokens.borderRadiusMedium,
    color: tokens.colorNeutralForeground1,
    textDecorationLine: "none",
    ":hover": { backgroundColor: tokens.colorNeutralBackground1Hover, textDecorationLine: "underline" },
    ":focus-visible": { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: "1px" },
  },
  navActive: {
    fontWeight: tokens.fontWeightSemibold,
    boxShadow: `inset 0 -3px 0 ${tokens.colorCompoundBrandStroke}`,
  },
  banner: { marginBottom: tokens.spacingVerticalL },
  dev: { marginLeft: "auto", display: "flex", gap: tokens.spacingHorizontalM, alignItems: "center", flexWrap: "wrap" },
  devLabel: { display: "flex", gap: tokens.spacingHorizontalXS, alignItems: "center" },
  main: { padding: `${tokens.spacingVerticalL} ${tokens.spacingHorizontalXL}`, maxWidth: "1400px", marginLeft: "auto", marginRight: "auto", outlineStyle: "none" },
  skip: {
    position: "absolute",
    left: "-10000px",
    top: "auto",
    ":focus": { left: tokens.spacingHorizontalM, top: tokens.spacingVerticalM, zIndex: 10, padding: tokens.spacingHorizontalS, backgroundColor: tokens.colorNeutralBackground1 },
  },
});

const NAV: { route: Route; label: MessageKey; show?: "adminLog" }[] = [
  { route: { view: "register" }, label: "navRegister" },
  { route: { view: "overview" }, label: "navOverview" },
  { route: { view: "requests" }, label: "navRequests" },
  { route: { view: "directory" }, label: "navDirectory" },
  { route: { view: "review" }, label: "navReview" },
  { route: { view: "adminlog" }, label: "navAdminLog", show: "adminLog" },
  { route: { view: "approvals" }, label: "navApprovals", show: "adminLog" },
  { route: { view: "setup" }, label: "navSetup" },
];

/**
 * The banner of a failed audit (issue 16), on every view: what it means and what to do. The tab asks for
 * the last audit's outcome once at load (GET /api/audit/status, one row), and again after an audit run
 * from the admin log view; the audit itself runs on the server (hourly, before each checkpoint).
 */
function AuditBanner({ status }: { status: AuditStatus }): JSX.Element {
  const { t, lang } = useI18n();
  const s = useStyles();
  return (
    <MessageBar intent="error" role="alert" layout="multiline" data-testid="audit-banner" className={`${s.banner} zv-noprint`}>
      <MessageBarBody>
        <MessageBarTitle>{t("auditBannerTitle")}</MessageBarTitle>
        {t("auditBannerText", { date: formatDate(status.at, lang, true), n: problemCount(status), kinds: Object.keys(status.problems).join(", ") })}
      </MessageBarBody>
    </MessageBar>
  );
}

export function App({ host, api, initialLang }: { host: Host; api: TabApi; initialLang: Lang }): JSX.Element {
  const s = useStyles();
  const [theme, setTheme] = useHostTheme(host);
  const [lang, setLang] = useState<Lang>(initialLang);
  const [route, setRoute] = useState<Route>(() => routeFromParams(new URLSearchParams(window.location.search)));
  const mainRef = useRef<HTMLElement>(null);
  const i18n = useMemo(() => ({ lang, t: translator(lang) }), [lang]);
  const t = i18n.t;

  useEffect(() => {
    const onPop = (): void => setRoute(routeFromParams(new URLSearchParams(window.location.search)));
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);

  const lookups = useLoad(() => Promise.all([api.call(routes.parties).then((r) => r.parties), api.call(routes.purposes).then((r) => r.purposes), api.call(routes.schools).then((r) => r.schools)]), [api]);
  const names = useMemo(() => makeNames(lookups.data?.[0] ?? [], lookups.data?.[1] ?? [], lookups.data?.[2] ?? []), [lookups.data]);
  // Who is calling (the admin log is for coordinators and the privacy officer) and the last audit's
  // outcome: asked once at load, one row each. Failing to ask shows no banner (the views show errors).
  const me = useLoad(() => api.call(routes.me), [api]);
  const audit = useLoad(() => api.call(routes.auditStatus), [api]);
  const show = { adminLog: mayReadAdminLog(me.data?.roles ?? []) };

  const setParam = (key: string, value: string): void => {
    const p = new URLSearchParams(window.location.search);
    p.set(key, value);
    window.history.replaceState(null, "", `?${p.toString()}`);
  };

  const ctx: AppContextValue = useMemo(
    () => ({
      api,
      host,
      names,
      reloadNames: lookups.reload,
      href: (r: Route) => hrefOf(r, new URLSearchParams(window.location.search)),
      roles: me.data?.roles ?? [],
      recheckAudit: audit.reload,
      navigate: (r: Route) => {
        window.history.pushState(null, "", hrefOf(r, new URLSearchParams(window.location.search)));
        setRoute(r);
        window.scrollTo(0, 0);
        // Move focus to the new page's content so keyboard and screen reader users start there.
        requestAnimationFrame(() => mainRef.current?.focus());
      },
    }),
    [api, host, names, lookups.reload, audit.reload, me.data],
  );

  const go = (r: Route) => (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.metaKey || e.ctrlKey || e.shiftKey) return;
    e.preventDefault();
    ctx.navigate(r);
  };
  const activeTop = route.view === "student" || route.view === "export" ? "register" : route.view === "import" || route.view === "guardians" ? "setup" : route.view;

  return (
    <FluentProvider theme={THEMES[theme]} style={themeStyle(theme)} className={s.root} data-theme={theme}>
      <I18nContext.Provider value={i18n}>
        <AppContext.Provider value={ctx}>
          <a href="#content" className={`${s.skip} zv-noprint`}>
            {t("skipToContent")}
          </a>
          <header className={`${s.header} zv-noprint`}>
            <div className={s.brand}>
              <Text weight="semibold" size={500}>
                {t("appName")}
              </Text>
              <Text size={200}>{t("appTagline")}</Text>
            </div>
            <nav aria-label={t("navLabel")} className={s.nav}>
              {NAV.filter((n) => !n.show || show[n.show]).map((n) => (
                <a
                  key={n.route.view}
                  href={ctx.href(n.route)}
                  onClick={go(n.route)}
                  aria-current={activeTop === n.route.view ? "page" : undefined}
                  className={`${s.navLink} ${activeTop === n.route.view ? s.navActive : ""}`}
                >
                  {t(n.label)}
                </a>
              ))}
            </nav>
            {host.kind === "browser" ? (
              <div className={s.dev}>
                <Text size={200}>{t("devMode")}</Text>
                <label className={s.devLabel}>
                  <Text size={200}>{t("themeLabel")}</Text>
                  <Select
                    size="small"
                    value={theme}
                    data-testid="theme-switch"
                    onChange={(_, d) => {
                      const next: HostTheme = d.value === "dark" ? "dark" : d.value === "contrast" ? "contrast" : "light";
                      setTheme(next);
                      setParam("theme", next);
                    }}
                  >
                    <option value="light">{t("themeLight")}</option>
                    <option value="dark">{t("themeDark")}</option>
                    <option value="contrast">{t("themeContrast")}</option>
                  </Select>
                </label>
                <label className={s.devLabel}>
                  <Text size={200}>{t("langLabel")}</Text>
                  <Select
                    size="small"
                    value={lang}
                    onChange={(_, d) => {
                      const next: Lang = d.value === "en" ? "en" : "nl";
                      setLang(next);
                      setParam("lang", next);
                    }}
                  >
                    <option value="nl">Nederlands</option>
                    <option value="en">English</option>
                  </Select>
                </label>
              </div>
            ) : null}
          </header>
          <main id="content" ref={mainRef} tabIndex={-1} className={s.main}>
            {auditFailed(audit.data) ? <AuditBanner status={audit.data} /> : null}
            {lookups.error ? <ErrorBox error={lookups.error} onRetry={lookups.reload} /> : null}
            {route.view === "register" ? <RegisterView /> : null}
            <ViewBoundary key={route.view} view={route.view} onRetry={retryViews}>
              <Suspense fallback={<Loading />}>
                {route.view === "overview" ? <OverviewView /> : null}
                {route.view === "directory" ? <DirectoryView /> : null}
                {route.view === "requests" ? <RequestsView key={route.state ?? ""} {...(route.state ? { state: route.state } : {})} /> : null}
                {route.view === "review" ? <ReviewView key={route.override?.checkId ?? ""} {...(route.override ? { override: route.override } : {})} /> : null}
                {route.view === "adminlog" ? <AdminLogView /> : null}
                {route.view === "approvals" ? <ApprovalsView /> : null}
                {route.view === "setup" ? <SetupView /> : null}
                {route.view === "import" ? <ImportView /> : null}
                {route.view === "guardians" ? <GuardiansView key={route.id ?? ""} id={route.id} /> : null}
                {route.view === "student" ? <StudentView key={route.id} id={route.id} /> : null}
                {route.view === "export" ? <ExportView key={route.id} id={route.id} /> : null}
              </Suspense>
            </ViewBoundary>
          </main>
        </AppContext.Provider>
      </I18nContext.Provider>
    </FluentProvider>
  );
}
