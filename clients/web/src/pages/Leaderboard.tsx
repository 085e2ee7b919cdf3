// The leaderboards: this week's, a course's and a class's (the viewer's classes; a join code adds one). Each is read
// once and then followed live through leaderboardUpdated for its scope (graphql-ws); switching boards switches the
// subscription.
import { useEffect, useRef, useState } from "preact/hooks";
import type {
  CoursesQuery,
  LeaderboardFieldsFragment,
  LeaderboardKind,
  MyClassesQuery,
} from "../../../typescript/src/gql/graphql.js";
import { JoinClassMutation, MyClassesQuery as MyClasses } from "../../../typescript/src/operations/learner/classes.js";
import { CoursesQuery as Courses } from "../../../typescript/src/operations/learner/content.js";
import {
  LeaderboardQuery,
  LeaderboardUpdatedSubscription,
} from "../../../typescript/src/operations/learner/leaderboards.js";
import { request } from "../api";
import { Failure } from "../components/Problems";
import { useSubscription } from "../live";

type Kind = Extract<LeaderboardKind, "WEEKLY" | "COURSE" | "CLASS">;
type Choice = { id: string; title: string };

const TABS: { kind: Kind; label: string }[] = [
  { kind: "WEEKLY", label: "This week" },
  { kind: "COURSE", label: "Course" },
  { kind: "CLASS", label: "Class" },
];

export function Leaderboard() {
  const [kind, setKind] = useState<Kind>("WEEKLY");
  const [courses, setCourses] = useState<Choice[] | null>(null);
  const [classes, setClasses] = useState<Choice[] | null>(null);
  const [courseId, setCourseId] = useState<string | null>(null);
  const [classId, setClassId] = useState<string | null>(null);
  const [board, setBoard] = useState<LeaderboardFieldsFragment | null>(null);
  const [failure, setFailure] = useState<unknown>(null);

  useEffect(() => {
    request(Courses, { first: 50 }).then((data) => setCourses(courseChoices(data.courses)), setFailure);
    loadClasses();
  }, []);
  function loadClasses(select?: string) {
    request(MyClasses).then((data) => {
      setClasses(classChoices(data.classes));
      if (select) setClassId(select);
    }, setFailure);
  }

  const id = kind === "COURSE" ? (courseId ?? courses?.[0]?.id) : kind === "CLASS" ? (classId ?? classes?.[0]?.id) : null;
  const ready = kind === "WEEKLY" || Boolean(id);
  const variables = { scope: kind === "WEEKLY" ? { kind } : { kind, id: id ?? null }, first: 20 };
  const shape = JSON.stringify(variables);
  const wanted = useRef(shape); // an answer for a board no longer shown is dropped
  wanted.current = shape;
  useEffect(() => {
    setBoard(null);
    if (!ready) return;
    setFailure(null);
    request(LeaderboardQuery, variables).then((data) => {
      if (wanted.current === shape) setBoard(data.leaderboard);
    }, setFailure);
  }, [shape]);
  useSubscription(
    LeaderboardUpdatedSubscription,
    variables,
    (data) => {
      if (wanted.current === shape) setBoard(data.leaderboardUpdated);
    },
    ready,
  );

  const choices = kind === "COURSE" ? courses : kind === "CLASS" ? classes : null;
  return (
    <main>
      <h1>Leaderboard</h1>
      <div role="group" aria-label="Which leaderboard" class="tabs">
        {TABS.map((tab) => (
          <button
            type="button"
            key={tab.kind}
            aria-pressed={kind === tab.kind}
            class={kind === tab.kind ? "tab on" : "tab"}
            onClick={() => setKind(tab.kind)}
          >
            {tab.label}
          </button>
        ))}
      </div>
      {choices && choices.length > 0 && (
        <p>
          <label for="board-choice">{kind === "COURSE" ? "Course" : "Class"}</label>
          <select
            id="board-choice"
            value={id ?? ""}
            onChange={(event) => {
              const value = (event.currentTarget as HTMLSelectElement).value;
              if (kind === "COURSE") setCourseId(value);
              else setClassId(value);
            }}
          >
            {choices.map((choice) => (
              <option key={choice.id} value={choice.id}>
                {choice.title}
              </option>
            ))}
          </select>
        </p>
      )}
      {kind === "CLASS" && classes !== null && (
        <JoinClass first={classes.length === 0} onJoined={(joined) => loadClasses(joined)} />
      )}
      <Failure error={failure} />
      {ready && board === null && !failure && <p>Loading…</p>}
      {board && <Board board={board} />}
    </main>
  );
}

function Board({ board }: { board: LeaderboardFieldsFragment }) {
  return (
    <>
      <table class="board" data-testid="leaderboard" data-kind={board.scope.kind}>
        <thead>
          <tr>
            <th scope="col">Rank</th>
            <th scope="col">Learner</th>
            <th scope="col">XP</th>
          </tr>
        </thead>
        <tbody>
          {board.entries.map((entry) => (
            <tr key={entry.user.id}>
              <td>{entry.rank}</td>
              <td>{entry.user.displayName}</td>
              <td>{entry.xp}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {board.entries.length === 0 && <p>No XP on this board yet.</p>}
      <p class="hint">
        {board.viewerEntry ? `You: rank ${board.viewerEntry.rank}, ${board.viewerEntry.xp} XP · ` : ""}
        updated {new Date(board.updatedAt).toLocaleTimeString()}
      </p>
    </>
  );
}

function JoinClass({ first, onJoined }: { first: boolean; onJoined: (classId: string) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const joinCode = String(new FormData(form).get("joinCode") ?? "").trim();
    setFailure(null);
    try {
      const { joinClass } = await request(JoinClassMutation, { joinCode });
      setError(joinClass.errors[0]?.message ?? null);
      if (joinClass.class) {
        form.reset();
        onJoined(joinClass.class.id);
      }
    } catch (caught) {
      setFailure(caught);
    }
  }
  return (
    <form onSubmit={submit} noValidate class="join">
      {first && <p>You are in no class yet: your instructor gives you a code to join one.</p>}
      <label>
        Join a class with its code
        <input name="joinCode" maxLength={64} autoComplete="off" required aria-describedby="joinCode-error" />
        {error && (
          <span class="field-error" id="joinCode-error" role="alert">
            {error}
          </span>
        )}
      </label>
      <Failure error={failure} />
      <button type="submit">Join</button>
    </form>
  );
}

function courseChoices(courses: CoursesQuery["courses"]): Choice[] {
  return courses.edges.map(({ node }) => ({ id: node.id, title: node.title }));
}

function classChoices(classes: MyClassesQuery["classes"]): Choice[] {
  return classes.map((group) => ({ id: group.id, title: group.name }));
}
