// /teach: the courses, and a form for a new one (its slug, title and description).
import { useState } from "preact/hooks";
import { CoursesQuery } from "../../../typescript/src/operations/learner/content.js";
import { CreateCourseMutation } from "../../../typescript/src/operations/instructor/content.js";
import { request } from "../api";
import { Link } from "../components/Link";
import { Failure } from "../components/Problems";
import { navigate } from "../router";
import { type Errors, errorsByPath, Leftover, TextField } from "./components/Fields";
import { useQuery } from "./load";

export function Authoring() {
  const { data, failure } = useQuery(CoursesQuery, { first: 100 });
  return (
    <main class="wide">
      <h1>Teaching: courses</h1>
      <Failure error={failure} />
      {!data && !failure && <p>Loading…</p>}
      <ul class="cards">
        {data?.courses.edges.map(({ node }) => (
          <li key={node.id}>
            <h2>
              <Link href={`/teach/courses/${encodeURIComponent(node.id)}`}>{node.title}</Link>
            </h2>
            <p class="hint">{node.slug}</p>
          </li>
        ))}
      </ul>
      <NewCourse />
    </main>
  );
}

function NewCourse() {
  const [slug, setSlug] = useState("");
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  async function create(event: SubmitEvent) {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      const { createCourse } = await request(CreateCourseMutation, { input: { slug, title, description } });
      setErrors(errorsByPath(createCourse.errors));
      if (createCourse.course) navigate(`/teach/courses/${encodeURIComponent(createCourse.course.id)}`);
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }
  const form = "new-course";
  return (
    <form class="panel" onSubmit={create} noValidate>
      <h2>New course</h2>
      <TextField form={form} path="title" label="Title" value={title} onInput={setTitle} errors={errors} maxLength={200} />
      <TextField
        form={form}
        path="slug"
        label="Slug"
        hint="a-z, 0-9 and -, as in statistics-101"
        value={slug}
        onInput={setSlug}
        errors={errors}
        maxLength={100}
      />
      <TextField
        form={form}
        path="description"
        label="Description"
        value={description}
        onInput={setDescription}
        errors={errors}
        maxLength={10000}
        rows={3}
      />
      <Leftover errors={errors} shown={["title", "slug", "description"]} />
      <Failure error={failure} />
      <button type="submit" disabled={busy}>
        Create course
      </button>
    </form>
  );
}
