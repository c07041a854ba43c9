/** The way into the import wizard from an empty register or an empty school list. */
import { RouteLink } from "../../components/layout.js";
import { useOnboardingTexts } from "./texts.js";

export function ImportLink(): JSX.Element {
  const { t } = useOnboardingTexts();
  return (
    <RouteLink to={{ view: "import" }} data-testid="import-link">
      {t("linkImport")}
    </RouteLink>
  );
}
