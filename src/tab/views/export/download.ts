/** Saves a file the tab made or fetched through the browser. */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Saves a document as a JSON file through the browser. */
export function downloadJson(doc: unknown, fileName: string): void {
  downloadBlob(new Blob([JSON.stringify(doc, null, 2)], { type: "application/json" }), fileName);
}
