// A lesson: its text, its problems with answers, and the graded result (score, XP, streak). Free-text answers stay
// pending until the submissionGraded subscription says the submission is graded.
import { useEffect, useRef, useState } from "preact/hooks";
import type {
  LessonQuery,
  SubmissionFieldsFragment,
  ViewerQuery as Viewer,
} from "../../../typescript/src/gql/graphql.js";
import { ViewerQuery } from "../../../typescript/src/operations/learner/accounts.js";
import { LessonQuery as LessonDocument } from "../../../typescript/src/operations/learner/content.js";
import {
  MySubmissionsQuery,
  SubmissionGradedSubscription,
  SubmitAnswersMutation,
} from "../../../typescript/src/operations/learner/learning.js";
import { key, request } from "../api";
import { Answer, answerInput, type Draft } from "../components/Answer";
import { Link } from "../components/Link";
import { Failure } from "../components/Problems";
import { useLinkState, useSubscription } from "../live";

type Lesson = NonNullable<LessonQuery["lesson"]>;

export function LessonPage({ id }: { id: string }) {
  const [lesson, setLesson] = useState<Lesson | null>(null);
  const [drafts, setDrafts] = useState<Record<string, Draft>>({});
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [submission, setSubmission] = useState<SubmissionFieldsFragment | null>(null);
  const [viewer, setViewer] = useState<Viewer["viewer"]>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setLesson(null);
    setSubmission(null);
    request(LessonDocument, { id }).then((data) => {
      if (data.lesson) setLesson(data.lesson);
      else setFailure(new Error("This lesson does not exist, or is not published."));
    }, setFailure);
  }, [id]);

  // Followed from the start, so that a grading which finishes right after the answer is not missed; a push
  // missed while the connection was (re)connecting is caught up by reading the submission once it is live.
  // A push may arrive before the mutation's answer is read, or before the page re-renders with it: pushes are
  // kept by id, and the submission shown is the graded one when it has arrived.
  const latest = useRef<string | null>(null);
  const pushed = useRef(new Map<string, SubmissionFieldsFragment>());
  function show(next: SubmissionFieldsFragment) {
    const known = pushed.current.get(next.id);
    const current = known && next.status !== "GRADED" ? known : next;
    latest.current = current.id;
    setSubmission(current);
    refreshViewer();
  }
  function graded(next: SubmissionFieldsFragment) {
    if (next.status !== "GRADED") return;
    pushed.current.set(next.id, next);
    if (next.id === latest.current) show(next);
  }
  useSubscription(SubmissionGradedSubscription, {}, (data) => graded(data.submissionGraded));
  const link = useLinkState();
  const missed = useRef(false); // the connection was not live at some time while the submission was pending
  const pendingId = submission?.status === "PENDING" ? submission.id : null;
  useEffect(() => {
    if (!pendingId || !lesson) return;
    if (link !== "live") {
      missed.current = true;
      return;
    }
    if (!missed.current) return;
    missed.current = false;
    request(MySubmissionsQuery, { lessonId: lesson.id, first: 1 }).then((data) => {
      const newest = data.viewer?.submissions.edges[0]?.node;
      if (newest) graded(newest);
    }, setFailure);
  }, [link, pendingId]);

  function refreshViewer() {
    request(ViewerQuery).then((data) => setViewer(data.viewer), setFailure);
  }

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (!lesson) return;
    const answers = [];
    const errors: Record<string, string> = {};
    for (const problem of lesson.problems) {
      const answer = answerInput(problem, drafts[problem.id] ?? {});
      if (answer === "not a number") errors[problem.id] = "Enter a number, such as 42 or 3.5.";
      else if (answer) answers.push(answer);
      else errors[problem.id] = "Answer this problem too: a lesson is submitted whole.";
    }
    setFieldErrors(errors);
    if (Object.keys(errors).length) return;
    setBusy(true);
    setFailure(null);
    try {
      const { submitAnswers } = await request(SubmitAnswersMutation, {
        input: { lessonId: lesson.id, answers, idempotencyKey: key() },
      });
      const refused: Record<string, string> = {};
      for (const error of submitAnswers.errors) {
        const [first, index] = error.field ?? [];
        const problemId = first === "answers" && index !== undefined ? answers[Number(index)]?.problemId : undefined;
        refused[problemId ?? ""] = error.message;
      }
      setFieldErrors(refused);
      if (submitAnswers.submission) show(submitAnswers.submission);
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  if (!lesson) {
    return (
      <main>
        <Failure error={failure} />
        {!failure && <p>Loading…</p>}
      </main>
    );
  }
  const results = new Map(submission?.answers.map((answer) => [answer.problem.id, answer]));
  const progress = lesson.viewerProgress;
  return (
    <main>
      <p>
        <Link href={`/courses/${encodeURIComponent(lesson.course.id)}`}>← {lesson.course.title}</Link>
      </p>
      <h1>{lesson.title}</h1>
      {progress && (
        <p class="badge">
          Best so far {Math.round(progress.bestScore * 100)}% in {progress.attempts} attempt
          {progress.attempts === 1 ? "" : "s"}
        </p>
      )}
      <div class="body">{lesson.body}</div>
      <form onSubmit={submit} noValidate data-ready="true" id="lesson-form">
        <ol class="problems">
          {lesson.problems.map((problem) => {
            const result = results.get(problem.id);
            return (
              <li key={problem.id} class="problem" data-kind={problem.kind}>
                <p class="prompt">{problem.prompt}</p>
                <Answer
                  problem={problem}
                  draft={drafts[problem.id] ?? {}}
                  disabled={busy || submission !== null}
                  onChange={(draft) => setDrafts({ ...drafts, [problem.id]: draft })}
                />
                {fieldErrors[problem.id] && (
                  <span class="field-error" role="alert">
                    {fieldErrors[problem.id]}
                  </span>
                )}
                {result && (
                  <p class={`verdict ${result.status === "PENDING" ? "pending" : result.correct ? "right" : "wrong"}`}>
                    {result.status === "PENDING" ? "Pending: waiting to be graded" : result.correct ? "Correct" : "Not quite"}
                    {result.feedback ? ` · ${result.feedback}` : ""}
                    {result.problem.explanation && result.status !== "PENDING" ? ` · ${result.problem.explanation}` : ""}
                  </p>
                )}
              </li>
            );
          })}
        </ol>
        {fieldErrors[""] && (
          <p class="field-error" role="alert">
            {fieldErrors[""]}
          </p>
        )}
        <Failure error={failure} />
        {submission === null ? (
          <button type="submit" disabled={busy}>
            Submit answers
          </button>
        ) : (
          <button
            type="button"
            onClick={() => {
              latest.current = null;
              setSubmission(null);
              setDrafts({});
            }}
          >
            Try again
          </button>
        )}
      </form>
      {submission && <Result submission={submission} viewer={viewer} />}
    </main>
  );
}

function Result({ submission, viewer }: { submission: SubmissionFieldsFragment; viewer: Viewer["viewer"] }) {
  const graded = submission.status === "GRADED";
  return (
    <section class="result" aria-live="polite" data-testid="result" data-status={submission.status}>
      <h2>{graded ? "Graded" : "Pending"}</h2>
      <p>
        Score{" "}
        <strong data-testid="score">
          {submission.score === null ? "pending" : `${submission.score} / ${submission.maxScore}`}
        </strong>
      </p>
      <p>
        XP <strong data-testid="xp-awarded">+{submission.xpAwarded}</strong>
        {viewer && <span data-testid="xp-total"> · {viewer.xp} XP in all</span>}
      </p>
      {viewer && (
        <p>
          Streak{" "}
          <strong data-testid="streak">
            {viewer.streak.current} day{viewer.streak.current === 1 ? "" : "s"}
          </strong>{" "}
          (best {viewer.streak.best})
        </p>
      )}
    </section>
  );
}
