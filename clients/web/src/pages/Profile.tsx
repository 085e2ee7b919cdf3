// The viewer's profile: XP, streak and totals, progress in each course, and their history: submissions and the
// learning record (viewer.learningEvents), newest first, a page at a time ("More").
import { useEffect, useState } from "preact/hooks";
import type {
  LearningEventsQuery,
  LessonFieldsFragment,
  MySubmissionsQuery,
  ViewerQuery as Viewer,
} from "../../../typescript/src/gql/graphql.js";
import { ViewerQuery } from "../../../typescript/src/operations/learner/accounts.js";
import { LessonsQuery } from "../../../typescript/src/operations/learner/content.js";
import {
  LearningEventsQuery as Events,
  MySubmissionsQuery as Submissions,
} from "../../../typescript/src/operations/learner/learning.js";
import { request } from "../api";
import { Link } from "../components/Link";
import { Failure } from "../components/Problems";
import { at } from "../time";

const PAGE = 10;

export function Profile() {
  const [viewer, setViewer] = useState<Viewer["viewer"]>(null);
  const [failure, setFailure] = useState<unknown>(null);
  useEffect(() => {
    request(ViewerQuery).then((data) => setViewer(data.viewer), setFailure);
  }, []);
  return (
    <main>
      <h1>{viewer ? viewer.displayName : "Profile"}</h1>
      <Failure error={failure} />
      {viewer && (
        <dl class="totals" data-testid="profile">
          <div>
            <dt>XP</dt>
            <dd data-testid="profile-xp">{viewer.xp}</dd>
          </div>
          <div>
            <dt>Streak</dt>
            <dd>
              {viewer.streak.current} day{viewer.streak.current === 1 ? "" : "s"} (best {viewer.streak.best})
            </dd>
          </div>
          <div>
            <dt>Lessons completed</dt>
            <dd>{viewer.profile.lessonsCompleted}</dd>
          </div>
          <div>
            <dt>Accuracy</dt>
            <dd>{viewer.profile.accuracy === null ? "–" : `${Math.round((viewer.profile.accuracy ?? 0) * 100)}%`}</dd>
          </div>
        </dl>
      )}
      <CourseProgress />
      <History />
      <Record />
    </main>
  );
}

type CourseRow = { id: string; title: string; lessons: number; completed: number; started: number; best: number };

/** Every lesson with the viewer's progress (all pages), summed per course. */
function CourseProgress() {
  const [rows, setRows] = useState<CourseRow[] | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  useEffect(() => {
    (async () => {
      const lessons: LessonFieldsFragment[] = [];
      let after: string | null = null;
      do {
        const page: Awaited<ReturnType<typeof readLessons>> = await readLessons(after);
        lessons.push(...page.edges.map((edge) => edge.node));
        after = page.pageInfo.hasNextPage ? (page.pageInfo.endCursor ?? null) : null;
      } while (after);
      setRows(byCourse(lessons));
    })().catch(setFailure);
  }, []);
  return (
    <section aria-labelledby="progress-heading">
      <h2 id="progress-heading">Progress</h2>
      <Failure error={failure} />
      {rows === null && !failure && <p>Loading…</p>}
      <ul class="cards" data-testid="course-progress">
        {rows?.map((row) => (
          <li key={row.id}>
            <Link href={`/courses/${encodeURIComponent(row.id)}`}>{row.title}</Link>
            <p>
              <progress max={row.lessons} value={row.completed} aria-label={`${row.title}: lessons completed`} />{" "}
              {row.completed} of {row.lessons} lessons completed
              {row.started ? ` · average best ${Math.round((row.best / row.started) * 100)}% where started` : ""}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}

async function readLessons(after: string | null) {
  return (await request(LessonsQuery, { first: 100, after })).lessons;
}

function byCourse(lessons: LessonFieldsFragment[]): CourseRow[] {
  const rows = new Map<string, CourseRow>();
  for (const lesson of lessons) {
    const row = rows.get(lesson.course.id) ?? {
      id: lesson.course.id,
      title: lesson.course.title,
      lessons: 0,
      completed: 0,
      started: 0,
      best: 0,
    };
    row.lessons += 1;
    const progress = lesson.viewerProgress;
    if (progress) {
      row.started += 1;
      row.best += progress.bestScore;
      if (progress.completed) row.completed += 1;
    }
    rows.set(row.id, row);
  }
  return [...rows.values()];
}

interface Page<T> {
  edges: { node: T }[];
  totalCount?: number;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
}

interface Pages<T> {
  items: T[];
  total: number | null; // the connection's totalCount, when it has one
  after: string | null; // the cursor of the next page, if there is one
  failure: unknown;
  retry: string | null | undefined; // the page that failed, to ask again
  more: (cursor: string | null) => void;
}

/** A connection read a page at a time, newest first: what is shown so far, and how to read the next page. */
function usePages<T>(read: (after: string | null) => Promise<Page<T> | null | undefined>): Pages<T> {
  const [items, setItems] = useState<T[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [after, setAfter] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [retry, setRetry] = useState<string | null | undefined>(undefined);
  function more(cursor: string | null) {
    setFailure(null);
    setRetry(undefined);
    const failed = (error: unknown) => {
      setFailure(error);
      setRetry(cursor);
    };
    read(cursor).then((page) => {
      if (!page) return;
      setItems((known) => [...known, ...page.edges.map((edge) => edge.node)]);
      setTotal(page.totalCount ?? null);
      setAfter(page.pageInfo.hasNextPage ? (page.pageInfo.endCursor ?? null) : null);
    }, failed);
  }
  useEffect(() => more(null), []);
  return { items, total, after, failure, retry, more };
}

/** The failure of the last page asked for with "Try again", else "More" while there is a next page. */
function PageButtons<T>({ pages, label }: { pages: Pages<T>; label: string }) {
  const { failure, retry, after, more } = pages;
  return (
    <>
      <Failure error={failure} />
      {retry !== undefined ? (
        <button type="button" onClick={() => more(retry)}>
          Try again
        </button>
      ) : (
        after && (
          <button type="button" onClick={() => more(after)}>
            {label}
          </button>
        )
      )}
    </>
  );
}

type Submission = NonNullable<MySubmissionsQuery["viewer"]>["submissions"]["edges"][number]["node"];

function History() {
  const pages = usePages<Submission>((after) =>
    request(Submissions, { first: PAGE, after }).then((data) => data.viewer?.submissions),
  );
  const { items, total } = pages;
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">Submissions{total !== null ? ` (${total})` : ""}</h2>
      {total === 0 && <p>No submissions yet.</p>}
      <table class="board" data-testid="submissions">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Lesson</th>
            <th scope="col">Score</th>
            <th scope="col">XP</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.id}>
              <td>{at(item.createdAt)}</td>
              <td>
                {item.lesson ? (
                  <Link href={`/lessons/${encodeURIComponent(item.lesson.id)}`}>{item.lesson.title}</Link>
                ) : (
                  "a single problem"
                )}
              </td>
              <td>{item.status === "PENDING" ? "pending" : `${Math.round((item.score ?? 0) * 10) / 10} / ${item.maxScore}`}</td>
              <td>+{item.xpAwarded}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <PageButtons pages={pages} label="More submissions" />
    </section>
  );
}

type LearningEvent = NonNullable<LearningEventsQuery["viewer"]>["learningEvents"]["edges"][number]["node"];

function Record() {
  const pages = usePages<LearningEvent>((after) =>
    request(Events, { first: PAGE, after }).then((data) => data.viewer?.learningEvents),
  );
  const { items, after } = pages;
  return (
    <section aria-labelledby="record-heading">
      <h2 id="record-heading">Activity</h2>
      {items.length === 0 && !after && <p>Nothing yet.</p>}
      <ul class="events" data-testid="learning-events">
        {items.map((item) => (
          <li key={item.id}>
            <span class="hint">{at(item.occurredAt)}</span> {describe(item)}
          </li>
        ))}
      </ul>
      <PageButtons pages={pages} label="More activity" />
    </section>
  );
}

const RATING_NAMES = ["", "Again", "Hard", "Good", "Easy"];

/** One event in words, from its type and payload (docs/record/events.md lists the keys). */
export function describe(event: LearningEvent): string {
  const p = (event.payload ?? {}) as Record<string, unknown>;
  const percent = (value: unknown) => `${Math.round(Number(value) * 100)}%`;
  switch (event.type) {
    case "ANSWER_SUBMITTED":
      return `Submitted ${p.answerCount} answer${p.answerCount === 1 ? "" : "s"}${p.pending ? " (some graded later)" : ""}`;
    case "ANSWER_GRADED":
      return `An answer graded ${p.correct ? "right" : "wrong"} (${percent(p.score)}${p.grader === "AI" ? ", by the AI grader" : ""})`;
    case "CARD_REVIEWED":
      return `Reviewed a card: ${RATING_NAMES[Number(p.rating)] ?? p.rating}`;
    case "XP_AWARDED":
      return `+${p.amount} XP for ${p.reason === "answer" ? "a first right answer" : `a ${p.reason}`}`;
    case "STREAK_EXTENDED":
      return `Streak: ${p.current} day${p.current === 1 ? "" : "s"}`;
    case "STREAK_BROKEN":
      return `A ${p.previous}-day streak ended`;
    case "LESSON_COMPLETED":
      return `Completed a lesson (${percent(p.score)})`;
    case "TUTOR_MESSAGE":
      return "Asked the tutor";
    case "GAME_PLAYED":
      return `Played a live game: ${p.score} points, ${p.correctAnswers} right`;
    default:
      return String(event.type).toLowerCase().replace(/_/g, " ");
  }
}
