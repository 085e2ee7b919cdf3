// JSON import of problems into a lesson (importProblems; item format in docs/api/authoring.md). The items are shown
// as a list once sent, each with its own errors (the payload's paths `["items", "3", "answer"]` name the item and
// its key) or marked imported: good items are kept even when others are refused.
import { useState } from "preact/hooks";
import { ImportProblemsMutation } from "../../../../typescript/src/operations/instructor/content.js";
import { request } from "../../api";
import { Failure } from "../../components/Problems";

const EXAMPLE = `[
  {"id": "stats-01", "type": "mcq", "question": "Which are measures of spread?",
   "options": ["Variance", "Mode", "Interquartile range"], "answer": ["Variance", "Interquartile range"]},
  {"id": "stats-02", "type": "numeric", "question": "Median of 1, 3 and 8?", "answer": 3, "tolerance": 0}
]`;

type ItemResult = { item: unknown; errors: string[] };

function itemIndex(field: string[]): { index: number; key: string } | null {
  const at = field.indexOf("items");
  if (at < 0 || at + 1 >= field.length) return null;
  const index = Number(field[at + 1]);
  return Number.isInteger(index) ? { index, key: field.slice(at + 2).join(".") } : null;
}

function describe(item: unknown): string {
  if (item && typeof item === "object") {
    const record = item as Record<string, unknown>;
    const name = typeof record.id === "string" ? `${record.id}: ` : "";
    if (typeof record.question === "string") return `${name}${record.question}`;
  }
  const text = JSON.stringify(item) ?? String(item);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

export function ImportProblems({ lessonId, onImported }: { lessonId: string; onImported: () => void }) {
  const [text, setText] = useState("");
  const [parseError, setParseError] = useState<string | null>(null);
  const [results, setResults] = useState<ItemResult[] | null>(null);
  const [general, setGeneral] = useState<string[]>([]);
  const [counts, setCounts] = useState<{ created: number; updated: number } | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function send(event: SubmitEvent) {
    event.preventDefault();
    let items: unknown;
    try {
      items = JSON.parse(text);
    } catch (error) {
      setParseError(`This is not JSON: ${(error as Error).message}`);
      return;
    }
    if (!Array.isArray(items)) {
      setParseError("Expected a JSON list of items: [ {...}, {...} ].");
      return;
    }
    setParseError(null);
    setBusy(true);
    setFailure(null);
    try {
      const { importProblems } = await request(ImportProblemsMutation, { input: { lessonId, items } });
      const found: ItemResult[] = items.map((item) => ({ item, errors: [] }));
      const rest: string[] = [];
      for (const error of importProblems.errors) {
        const at = itemIndex(error.field ?? []);
        if (at && found[at.index]) found[at.index].errors.push(at.key ? `${at.key}: ${error.message}` : error.message);
        else rest.push(error.message);
      }
      setResults(found);
      setGeneral(rest);
      setCounts({ created: importProblems.created.length, updated: importProblems.updated.length });
      if (importProblems.created.length || importProblems.updated.length) onImported();
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  const refused = results?.filter((result) => result.errors.length).length ?? 0;
  return (
    <form class="panel" onSubmit={send} noValidate data-testid="import">
      <h3>Import problems from JSON</h3>
      <label for="import-json">Items (a JSON list; see the example)</label>
      <textarea
        id="import-json"
        rows={8}
        maxLength={5_000_000}
        placeholder={EXAMPLE}
        value={text}
        aria-invalid={parseError !== null}
        aria-describedby={parseError ? "import-json-error" : undefined}
        onInput={(event) => setText((event.currentTarget as HTMLTextAreaElement).value)}
      />
      {parseError && (
        <span class="field-error" id="import-json-error" role="alert">
          {parseError}
        </span>
      )}
      <Failure error={failure} />
      <button type="submit" disabled={busy}>
        Import
      </button>
      {counts && (
        <p role="status" data-testid="import-summary">
          {counts.created} created, {counts.updated} updated
          {refused ? `, ${refused} refused: fix ${refused === 1 ? "it" : "them"} below and import again` : ""}.
        </p>
      )}
      {general.length > 0 && (
        <ul class="field-error" role="alert">
          {general.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
      {results && (
        <ol class="import-items" start={0}>
          {results.map((result, index) => (
            <li
              key={index}
              class={result.errors.length ? "refused" : "imported"}
              data-testid="import-item"
              data-index={index}
            >
              <span>{describe(result.item)}</span>{" "}
              {result.errors.length ? (
                <ul class="field-error" role="alert">
                  {result.errors.map((message) => (
                    <li key={message}>{message}</li>
                  ))}
                </ul>
              ) : (
                <span class="badge done">imported</span>
              )}
            </li>
          ))}
        </ol>
      )}
    </form>
  );
}
