/** The way into the import wizard from an empty register or an empty school list. */
import { Link } from "@fluentui/react-components";
import { useApp } from "../../context.js";
import { useOnboardingTexts } from "./texts.js";

export function ImportLink(): JSX.Element {
  const { href, navigate } = useApp();
  const { t } = useOnboardingTexts();
  return (
    <Link href={href({ view: "import" })} onClick={(e) => (e.preventDefault(), navigate({ view: "import" }))} data-testid="import-link">
      {t("linkImport")}
    </Link>
  );
}
