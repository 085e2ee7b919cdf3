// /teach/lessons/:id: a lesson's title, text and publication; its problems (drafts with a Publish button, each
// editable); a new problem; JSON import; generation from a PDF.
import { useEffect, useState } from "preact/hooks";
import type { AuthoredLessonQuery as Lesson } from "../../../typescript/src/gql/graphql.js";
import {
  AuthoredLessonQuery,
  PublishLessonMutation,
  UpdateLessonMutation,
  UpdateProblemMutation,
} from "../../../typescript/src/operations/instructor/content.js";
import { request } from "../api";
import { Link } from "../components/Link";
import { Failure } from "../components/Problems";
import { type Errors, errorsByPath, Leftover, TextField } from "./components/Fields";
import { GenerateFromPdf } from "./components/GenerateFromPdf";
import { ImportProblems } from "./components/ImportProblems";
import { ProblemForm } from "./components/ProblemForm";
import { useQuery } from "./load";

type AuthoredLesson = NonNullable<Lesson["lesson"]>;

const KIND_NAMES: Record<string, string> = {
  SINGLE_CHOICE: "single choice",
  MULTIPLE_CHOICE: "multiple choice",
  NUMERIC: "number",
  SHORT_TEXT: "short text",
  FREE_TEXT: "free text",
};

export function LessonEditor({ id }: { id: string }) {
  const { data, failure, reload } = useQuery(AuthoredLessonQuery, { id });
  const lesson = data?.lesson;
  if (!lesson) {
    return (
      <main class="wide">
        <Failure error={failure ?? (data ? new Error("This lesson does not exist.") : null)} />
        {!data && !failure && <p>Loading…</p>}
      </main>
    );
  }
  return (
    <main class="wide">
      <p>
        <Link href={`/teach/courses/${encodeURIComponent(lesson.course.id)}`}>← {lesson.course.title}</Link>
      </p>
      <h1>{lesson.title}</h1>
      <LessonForm key={lesson.id} lesson={lesson} reload={reload} />
      <h2>Problems</h2>
      <ProblemList lesson={lesson} reload={reload} />
      <details class="panel">
        <summary>Add a problem</summary>
        <ProblemForm key={lesson.problems.length} lessonId={lesson.id} onSaved={reload} />
      </details>
      <ImportProblems lessonId={lesson.id} onImported={reload} />
      <GenerateFromPdf lessonId={lesson.id} onChanged={reload} />
    </main>
  );
}

function LessonForm({ lesson, reload }: { lesson: AuthoredLesson; reload: () => Promise<void> }) {
  const [title, setTitle] = useState(lesson.title);
  const [body, setBody] = useState(lesson.body);
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => setSaved(false), [title, body]);
  async function save(event: SubmitEvent) {
    event.preventDefault();
    setFailure(null);
    try {
      const { updateLesson } = await request(UpdateLessonMutation, { input: { id: lesson.id, title, body } });
      setErrors(errorsByPath(updateLesson.errors));
      if (updateLesson.lesson) {
        setSaved(true);
        await reload();
      }
    } catch (error) {
      setFailure(error);
    }
  }
  async function publish() {
    setFailure(null);
    try {
      const { publishLesson } = await request(PublishLessonMutation, {
        input: { id: lesson.id, published: !lesson.published },
      });
      setErrors(errorsByPath(publishLesson.errors));
      await reload();
    } catch (error) {
      setFailure(error);
    }
  }
  const form = "lesson";
  return (
    <form class="panel" onSubmit={save} noValidate>
      <p>
        <span class={`badge ${lesson.published ? "done" : ""}`} data-testid="lesson-status">
          {lesson.published ? "published" : "draft: learners do not see it"}
        </span>{" "}
        <button type="button" class="link" onClick={publish}>
          {lesson.published ? "Unpublish" : "Publish lesson"}
        </button>
      </p>
      <TextField form={form} path="title" label="Lesson title" value={title} onInput={setTitle} errors={errors} maxLength={200} />
      <TextField form={form} path="body" label="Lesson text" value={body} onInput={setBody} errors={errors} maxLength={200000} rows={8} />
      <Leftover errors={errors} shown={["title", "body"]} />
      <Failure error={failure} />
      <button type="submit">Save lesson</button> {saved && <span role="status">Saved.</span>}
    </form>
  );
}

function ProblemList({ lesson, reload }: { lesson: AuthoredLesson; reload: () => Promise<void> }) {
  const [editing, setEditing] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  async function publish(id: string) {
    setFailure(null);
    try {
      const { updateProblem } = await request(UpdateProblemMutation, { input: { id, status: "PUBLISHED" } });
      if (updateProblem.errors.length) setFailure(new Error(updateProblem.errors.map((e) => e.message).join(" ")));
      await reload();
    } catch (error) {
      setFailure(error);
    }
  }
  if (!lesson.problems.length) return <p>No problems yet: add one, import some or generate them below.</p>;
  return (
    <>
      <Failure error={failure} />
      <ol class="problems authored">
        {lesson.problems.map((problem) => (
          <li key={problem.id} class="problem" data-testid="authored-problem" data-status={problem.status}>
            <p>
              <span class={`badge ${problem.status === "PUBLISHED" ? "done" : ""}`}>{problem.status.toLowerCase()}</span>{" "}
              <span class="hint">
                {KIND_NAMES[problem.kind] ?? problem.kind} · difficulty {problem.difficulty}
                {problem.externalId ? ` · ${problem.externalId}` : ""}
              </span>
            </p>
            <p class="prompt">{problem.prompt}</p>
            {problem.status === "DRAFT" && (
              <button type="button" onClick={() => publish(problem.id)}>
                Publish
              </button>
            )}{" "}
            <button type="button" class="link" onClick={() => setEditing(editing === problem.id ? null : problem.id)}>
              {editing === problem.id ? "Close" : "Edit"}
            </button>
            {editing === problem.id && (
              <ProblemForm
                lessonId={lesson.id}
                problem={problem}
                onSaved={() => {
                  setEditing(null);
                  reload();
                }}
              />
            )}
          </li>
        ))}
      </ol>
    </>
  );
}
