// The input for one problem, by its kind: radio buttons, checkboxes, a number, a short or a long text.
import type { ProblemFieldsFragment } from "../../../typescript/src/gql/graphql.js";

export type Draft = { optionIds?: string[]; number?: string; text?: string };

export function Answer({
  problem,
  draft,
  onChange,
  disabled,
}: {
  problem: ProblemFieldsFragment;
  draft: Draft;
  onChange: (draft: Draft) => void;
  disabled: boolean;
}) {
  const name = `problem-${problem.id}`;
  switch (problem.kind) {
    case "SINGLE_CHOICE":
    case "MULTIPLE_CHOICE": {
      const single = problem.kind === "SINGLE_CHOICE";
      const chosen = draft.optionIds ?? [];
      return (
        <fieldset disabled={disabled}>
          <legend class="hint">{single ? "Choose one" : "Choose all that apply"}</legend>
          {problem.options.map((option) => (
            <label key={option.id} class="option">
              <input
                type={single ? "radio" : "checkbox"}
                name={name}
                value={option.id}
                checked={chosen.includes(option.id)}
                onChange={(event) => {
                  const on = (event.currentTarget as HTMLInputElement).checked;
                  const next = single
                    ? [option.id]
                    : on
                      ? [...chosen, option.id]
                      : chosen.filter((id) => id !== option.id);
                  onChange({ optionIds: next });
                }}
              />
              {option.text}
            </label>
          ))}
        </fieldset>
      );
    }
    case "NUMERIC":
      return (
        <input
          aria-label="Your answer (a number)"
          name={name}
          inputMode="decimal"
          value={draft.number ?? ""}
          disabled={disabled}
          onInput={(event) => onChange({ number: (event.currentTarget as HTMLInputElement).value })}
        />
      );
    case "SHORT_TEXT":
      return (
        <input
          aria-label="Your answer"
          name={name}
          maxLength={10000}
          value={draft.text ?? ""}
          disabled={disabled}
          onInput={(event) => onChange({ text: (event.currentTarget as HTMLInputElement).value })}
        />
      );
    default:
      return (
        <textarea
          aria-label="Your answer (free text, graded later)"
          name={name}
          rows={5}
          maxLength={10000}
          value={draft.text ?? ""}
          disabled={disabled}
          onInput={(event) => onChange({ text: (event.currentTarget as HTMLTextAreaElement).value })}
        />
      );
  }
}

/** The API's AnswerInput for a draft, or null when nothing was entered (a number that is not one is an error). */
export function answerInput(
  problem: ProblemFieldsFragment,
  draft: Draft,
): { problemId: string; optionIds?: string[]; number?: number; text?: string } | "not a number" | null {
  if (draft.optionIds?.length) return { problemId: problem.id, optionIds: draft.optionIds };
  if (draft.number?.trim()) {
    const value = Number(draft.number.trim().replace(",", "."));
    return Number.isFinite(value) ? { problemId: problem.id, number: value } : "not a number";
  }
  if (draft.text?.trim()) return { problemId: problem.id, text: draft.text };
  return null;
}
