// A problem's correct answer and explanation, shown on a review card once the learner has tried to recall it.
import type { ReviewQueueQuery } from "../../../typescript/src/gql/graphql.js";
import type { Draft } from "./Answer";

type Card = ReviewQueueQuery["reviewQueue"][number];

/** Whether a draft matches the solution, for the kinds a browser can tell (choices, numbers); null otherwise, and
 * when nothing was entered (recalling without typing is fine). */
export function matches(card: Card, draft: Draft): boolean | null {
  const solution = card.problem.solution;
  if (!solution) return null;
  if (card.problem.kind === "SINGLE_CHOICE" || card.problem.kind === "MULTIPLE_CHOICE") {
    const chosen = new Set(draft.optionIds ?? []);
    if (chosen.size === 0) return null;
    return chosen.size === solution.optionIds.length && solution.optionIds.every((id) => chosen.has(id));
  }
  if (card.problem.kind === "NUMERIC" && solution.number !== null && solution.number !== undefined) {
    if (!draft.number?.trim()) return null;
    const value = Number(draft.number.trim().replace(",", "."));
    return Math.abs(value - solution.number) <= (solution.tolerance ?? 0);
  }
  return null;
}

export function Solution({ card, draft }: { card: Card; draft: Draft }) {
  const { problem } = card;
  const solution = problem.solution;
  const verdict = matches(card, draft);
  return (
    <section class="solution" data-testid="solution" aria-label="The answer">
      {verdict !== null && (
        <p class={`verdict ${verdict ? "right" : "wrong"}`}>{verdict ? "Your answer is right" : "Your answer differs"}</p>
      )}
      {solution && problem.options.length > 0 && (
        <ul>
          {problem.options
            .filter((option) => solution.optionIds.includes(option.id))
            .map((option) => (
              <li key={option.id}>{option.text}</li>
            ))}
        </ul>
      )}
      {solution?.number !== null && solution?.number !== undefined && (
        <p>
          {solution.number}
          {solution.tolerance ? ` (± ${solution.tolerance})` : ""}
        </p>
      )}
      {solution && solution.acceptedAnswers.length > 0 && <p>Accepted: {solution.acceptedAnswers.join(" · ")}</p>}
      {solution?.referenceAnswer && <p class="body">{solution.referenceAnswer}</p>}
      {problem.explanation && <p class="hint">{problem.explanation}</p>}
      {!solution && !problem.explanation && <p class="hint">This problem has no stored answer to show.</p>}
    </section>
  );
}
