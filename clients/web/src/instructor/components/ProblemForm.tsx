// A problem's editor, for a new problem or an existing one: its kind (new ones only), prompt, explanation,
// difficulty, and the answer in the form its kind takes (options with the correct ones, a number with a tolerance,
// accepted answers, or a reference answer with a rubric). UserErrors show next to their fields.
import { useState } from "preact/hooks";
import type { AuthoredProblemFieldsFragment, ProblemKind } from "../../../../typescript/src/gql/graphql.js";
import { CreateProblemMutation, UpdateProblemMutation } from "../../../../typescript/src/operations/instructor/content.js";
import { request } from "../../api";
import { Failure } from "../../components/Problems";
import { ErrorAt, type Errors, errorsByPath, Leftover, TextField } from "./Fields";

const KINDS: [ProblemKind, string][] = [
  ["SINGLE_CHOICE", "Single choice"],
  ["MULTIPLE_CHOICE", "Multiple choice"],
  ["NUMERIC", "Number"],
  ["SHORT_TEXT", "Short text"],
  ["FREE_TEXT", "Free text (graded later)"],
];

type Option = { text: string; correct: boolean };

function lines(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
}

export function ProblemForm({
  lessonId,
  problem,
  onSaved,
}: {
  lessonId: string;
  problem?: AuthoredProblemFieldsFragment;
  onSaved: () => void;
}) {
  const form = problem ? `problem-${problem.id}` : "new-problem";
  const [kind, setKind] = useState<ProblemKind>(problem?.kind ?? "SINGLE_CHOICE");
  const [prompt, setPrompt] = useState(problem?.prompt ?? "");
  const [explanation, setExplanation] = useState(problem?.explanation ?? "");
  const [difficulty, setDifficulty] = useState(String(problem?.difficulty ?? 1));
  const [options, setOptions] = useState<Option[]>(
    problem?.options.map((option) => ({ text: option.text, correct: option.correct ?? false })) ?? [
      { text: "", correct: true },
      { text: "", correct: false },
    ],
  );
  const [numericAnswer, setNumericAnswer] = useState(String(problem?.solution?.number ?? ""));
  const [tolerance, setTolerance] = useState(String(problem?.solution?.tolerance ?? "0"));
  const [accepted, setAccepted] = useState((problem?.solution?.acceptedAnswers ?? []).join("\n"));
  const [reference, setReference] = useState(problem?.solution?.referenceAnswer ?? "");
  const [rubric, setRubric] = useState((problem?.solution?.rubric ?? []).join("\n"));
  const [tags, setTags] = useState((problem?.tags ?? []).join(", "));
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const choice = kind === "SINGLE_CHOICE" || kind === "MULTIPLE_CHOICE";

  function answerFields() {
    if (choice) return { options };
    if (kind === "NUMERIC") {
      const number = Number(numericAnswer.replace(",", "."));
      return {
        numericAnswer: numericAnswer.trim() === "" || !Number.isFinite(number) ? null : number,
        tolerance: Number(tolerance.replace(",", ".")) || 0,
      };
    }
    if (kind === "SHORT_TEXT") return { acceptedAnswers: lines(accepted) };
    return { referenceAnswer: reference || null, rubric: lines(rubric) };
  }

  async function save(event: SubmitEvent) {
    event.preventDefault();
    const shared = {
      prompt,
      explanation,
      difficulty: Number(difficulty) || 1,
      tags: tags
        .split(",")
        .map((tag) => tag.trim())
        .filter(Boolean),
      ...answerFields(),
    };
    if (kind === "NUMERIC" && shared.numericAnswer === null) {
      setErrors({ numericAnswer: "Enter the answer as a number, such as 42 or 3.5." });
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      const payload = problem
        ? (await request(UpdateProblemMutation, { input: { id: problem.id, ...shared } })).updateProblem
        : (await request(CreateProblemMutation, { input: { lessonId, kind, ...shared } })).createProblem;
      setErrors(errorsByPath(payload.errors));
      if (payload.problem) onSaved();
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  const shown = [
    "kind",
    "prompt",
    "explanation",
    "difficulty",
    "options",
    "numericAnswer",
    "tolerance",
    "acceptedAnswers",
    "referenceAnswer",
    "rubric",
    "tags",
  ];
  return (
    <form class="panel problem-form" onSubmit={save} noValidate>
      {!problem && (
        <div class="field">
          <label for={`${form}-kind`}>Kind</label>
          <select id={`${form}-kind`} value={kind} onChange={(event) => setKind((event.currentTarget as HTMLSelectElement).value as ProblemKind)}>
            {KINDS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
      )}
      <TextField form={form} path="prompt" label="Prompt" value={prompt} onInput={setPrompt} errors={errors} maxLength={10000} rows={2} />
      {choice && (
        <fieldset>
          <legend>Options (tick the correct {kind === "SINGLE_CHOICE" ? "one" : "ones"})</legend>
          {options.map((option, index) => (
            <div class="option-row" key={index}>
              <input
                type="checkbox"
                aria-label={`Option ${index + 1} is correct`}
                checked={option.correct}
                onChange={(event) => {
                  const correct = (event.currentTarget as HTMLInputElement).checked;
                  setOptions(
                    options.map((other, at) =>
                      at === index ? { ...other, correct } : kind === "SINGLE_CHOICE" && correct ? { ...other, correct: false } : other,
                    ),
                  );
                }}
              />
              <input
                aria-label={`Option ${index + 1}`}
                maxLength={10000}
                value={option.text}
                onInput={(event) =>
                  setOptions(options.map((other, at) => (at === index ? { ...other, text: (event.currentTarget as HTMLInputElement).value } : other)))
                }
              />
              <button type="button" class="link" onClick={() => setOptions(options.filter((_, at) => at !== index))}>
                Remove
              </button>
              <ErrorAt errors={errors} path={`options.${index}`} form={form} />
              <ErrorAt errors={errors} path={`options.${index}.text`} form={form} />
            </div>
          ))}
          <button type="button" class="link" onClick={() => setOptions([...options, { text: "", correct: false }])}>
            Add an option
          </button>
          <ErrorAt errors={errors} path="options" form={form} />
        </fieldset>
      )}
      {kind === "NUMERIC" && (
        <div class="row">
          <TextField form={form} path="numericAnswer" label="Answer" numeric value={numericAnswer} onInput={setNumericAnswer} errors={errors} maxLength={40} />
          <TextField form={form} path="tolerance" label="Tolerance (±)" numeric value={tolerance} onInput={setTolerance} errors={errors} maxLength={40} />
        </div>
      )}
      {kind === "SHORT_TEXT" && (
        <TextField form={form} path="acceptedAnswers" label="Accepted answers, one a line" value={accepted} onInput={setAccepted} errors={errors} maxLength={100000} rows={3} />
      )}
      {kind === "FREE_TEXT" && (
        <>
          <TextField form={form} path="referenceAnswer" label="Reference answer" value={reference} onInput={setReference} errors={errors} maxLength={10000} rows={3} />
          <TextField form={form} path="rubric" label="Rubric, one point a line" value={rubric} onInput={setRubric} errors={errors} maxLength={100000} rows={3} />
        </>
      )}
      <TextField form={form} path="explanation" label="Explanation (shown after answering)" value={explanation} onInput={setExplanation} errors={errors} maxLength={10000} rows={2} />
      <div class="row">
        <TextField form={form} path="difficulty" label="Difficulty (1-5)" numeric value={difficulty} onInput={setDifficulty} errors={errors} maxLength={1} />
        <TextField form={form} path="tags" label="Tags, comma-separated" value={tags} onInput={setTags} errors={errors} maxLength={2000} />
      </div>
      <Leftover errors={errors} shown={shown} />
      <Failure error={failure} />
      <button type="submit" disabled={busy}>
        {problem ? "Save problem" : "Add problem"}
      </button>
    </form>
  );
}
