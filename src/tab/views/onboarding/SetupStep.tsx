/** A page reached from "Inrichten" (the import wizard, guardians and authority): its h1, the way back and its intro. */
import { Text } from "@fluentui/react-components";
import type { ReactNode } from "react";
import { RouteLink, TitledSection } from "../../components/layout.js";
import { useOnboardingTexts } from "./texts.js";

export function SetupStep(props: { id: string; title: ReactNode; intro: ReactNode; children: ReactNode }): JSX.Element {
  const { t } = useOnboardingTexts();
  return (
    <TitledSection id={props.id} title={props.title}>
      <RouteLink to={{ view: "setup" }}>{t("back")}</RouteLink>
      <p>
        <Text>{props.intro}</Text>
      </p>
      {props.children}
    </TitledSection>
  );
}
