// /teach/classes: the classes the instructor teaches with their join codes and members, and a form for a new class
// (its name and the courses whose grades count for it).
import { useState } from "preact/hooks";
import { CreateClassMutation, ClassesQuery } from "../../../typescript/src/operations/instructor/classes.js";
import { CoursesQuery } from "../../../typescript/src/operations/learner/content.js";
import { request } from "../api";
import { Link } from "../components/Link";
import { Failure } from "../components/Problems";
import { type Errors, errorsByPath, Leftover, TextField } from "./components/Fields";
import { useQuery } from "./load";

export const MEMBERS_SHOWN = 100;

export function Classes() {
  const { data, failure, reload } = useQuery(ClassesQuery, { studentsFirst: MEMBERS_SHOWN });
  return (
    <main class="wide">
      <h1>Classes</h1>
      <Failure error={failure} />
      {!data && !failure && <p>Loading…</p>}
      {data && !data.classes.length && <p>No classes yet: create one below and give its join code to your learners.</p>}
      <ul class="cards">
        {data?.classes.map((group) => (
          <li key={group.id} data-testid="class">
            <h2>{group.name}</h2>
            <p>
              Join code <code class="join-code" data-testid="join-code">{group.joinCode}</code> ·{" "}
              {group.studentCount} student{group.studentCount === 1 ? "" : "s"} ·{" "}
              <Link href={`/teach/classes/${encodeURIComponent(group.id)}`}>Analytics</Link>
            </p>
            <p class="hint">
              {group.courses.length ? `Courses: ${group.courses.map((course) => course.title).join(", ")}` : "Every course counts"}
            </p>
            {group.students && group.students.edges.length > 0 && (
              <details>
                <summary>Members</summary>
                <ul data-testid="members">
                  {group.students.edges.map(({ node }) => (
                    <li key={node.id}>
                      {node.displayName} <span class="hint">{node.xp} XP</span>
                    </li>
                  ))}
                  {group.students.pageInfo.hasNextPage && <li class="hint">and {group.students.totalCount - MEMBERS_SHOWN} more</li>}
                </ul>
              </details>
            )}
          </li>
        ))}
      </ul>
      <NewClass onCreated={reload} />
    </main>
  );
}

function NewClass({ onCreated }: { onCreated: () => void }) {
  const courses = useQuery(CoursesQuery, { first: 100 });
  const [name, setName] = useState("");
  const [chosen, setChosen] = useState<string[]>([]);
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<unknown>(null);
  async function create(event: SubmitEvent) {
    event.preventDefault();
    setFailure(null);
    try {
      const { createClass } = await request(CreateClassMutation, { input: { name, courseIds: chosen } });
      setErrors(errorsByPath(createClass.errors));
      if (createClass.class) {
        setName("");
        setChosen([]);
        onCreated();
      }
    } catch (error) {
      setFailure(error);
    }
  }
  const form = "new-class";
  return (
    <form class="panel" onSubmit={create} noValidate>
      <h2>New class</h2>
      <TextField form={form} path="name" label="Class name" value={name} onInput={setName} errors={errors} maxLength={200} />
      <fieldset>
        <legend>Courses whose grades count (none: every course)</legend>
        {courses.data?.courses.edges.map(({ node }) => (
          <label key={node.id} class="option">
            <input
              type="checkbox"
              checked={chosen.includes(node.id)}
              onChange={(event) =>
                setChosen(
                  (event.currentTarget as HTMLInputElement).checked ? [...chosen, node.id] : chosen.filter((id) => id !== node.id),
                )
              }
            />
            {node.title}
          </label>
        ))}
      </fieldset>
      <Leftover errors={errors} shown={["name"]} />
      <Failure error={failure ?? courses.failure} />
      <button type="submit">Create class</button>
    </form>
  );
}
