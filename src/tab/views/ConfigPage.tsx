/** Configuration page of the team tab (config.html): choose the start page and, optionally, a school. */
import { Field, FluentProvider, Link, MessageBar, MessageBarBody, Select, Text, Title2, makeStyles, tokens } from "@fluentui/react-components";
import { useEffect, useMemo, useState } from "react";
import { routes, type School, type TabApi } from "../api.js";
import type { Host } from "../host.js";
import { I18nContext, translator, type Lang } from "../i18n.js";
import { useHostTheme } from "../App.js";
import { THEMES, themeStyle } from "../../shared/theme.js";
import { SchoolSelect } from "../components/common.js";

const useStyles = makeStyles({
  root: { minHeight: "100vh", padding: tokens.spacingHorizontalXL, display: "flex", flexDirection: "column", gap: tokens.spacingVerticalM, maxWidth: "640px" },
});

export type StartView = "register" | "overview";

export function tabConfigFor(origin: string, view: StartView, schoolId: string, lang: Lang): { entityId: string; contentUrl: string; websiteUrl: string; suggestedDisplayName: string } {
  const p = new URLSearchParams({ view });
  if (schoolId) p.set("school", schoolId);
  const url = `${origin}/tab/?${p.toString()}`;
  return { entityId: `zorgvuldig-${view}${schoolId ? `-${schoolId}` : ""}`.slice(0, 64), contentUrl: url, websiteUrl: url, suggestedDisplayName: translator(lang)("cfgTabName") };
}

export function ConfigPage({ host, api, initialLang }: { host: Host; api: TabApi; initialLang: Lang }): JSX.Element {
  const s = useStyles();
  const [theme] = useHostTheme(host);
  const i18n = useMemo(() => ({ lang: initialLang, t: translator(initialLang) }), [initialLang]);
  const t = i18n.t;
  const [view, setView] = useState<StartView>("register");
  const [schoolId, setSchoolId] = useState("");
  const [schools, setSchools] = useState<School[]>([]);

  useEffect(() => {
    api.call(routes.schools).then((r) => setSchools(r.schools), () => setSchools([]));
  }, [api]);
  useEffect(() => {
    host.onConfigSave(() => tabConfigFor(window.location.origin, view, schoolId, initialLang));
    host.setConfigValid(true);
  }, [host, view, schoolId, initialLang]);

  const preview = tabConfigFor(window.location.origin, view, schoolId, initialLang).contentUrl;
  return (
    <FluentProvider theme={THEMES[theme]} style={themeStyle(theme)} data-theme={theme}>
      <I18nContext.Provider value={i18n}>
        <main className={s.root}>
          <Title2 as="h1" block>{t("cfgTitle")}</Title2>
          <Text>{t("cfgIntro")}</Text>
          <Field label={t("cfgView")}>
            <Select value={view} onChange={(_, d) => setView(d.value === "overview" ? "overview" : "register")}>
              <option value="register">{t("navRegister")}</option>
              <option value="overview">{t("navOverview")}</option>
            </Select>
          </Field>
          <Field label={t("cfgSchool")}>
            <SchoolSelect schools={schools} value={schoolId} onChange={setSchoolId} allLabel={t("cfgAllSchools")} />
          </Field>
          <MessageBar intent={host.kind === "teams" ? "success" : "info"}>
            <MessageBarBody>
              {host.kind === "teams" ? (
                t("cfgReady")
              ) : (
                <>
                  {t("cfgBrowser", { url: "" })}
                  <Link href={preview}>{preview}</Link>
                </>
              )}
            </MessageBarBody>
          </MessageBar>
        </main>
      </I18nContext.Provider>
    </FluentProvider>
  );
}
