// /teach/courses/:id: a course's title and description, its lessons (published or not, with a switch) and a form
// for a new lesson.
import { useEffect, useState } from "preact/hooks";
import type { AuthoredCourseQuery as Course } from "../../../typescript/src/gql/graphql.js";
import {
  AuthoredCourseQuery,
  CreateLessonMutation,
  PublishLessonMutation,
  UpdateCourseMutation,
} from "../../../typescript/src/operations/instructor/content.js";
import { request } from "../api";
import { Link } from "../components/Link";
import { Failure } from "../components/Problems";
import { navigate } from "../router";
import { type Errors, errorsByPath, Leftover, TextField } from "./components/Fields";
import { useQuery } from "./load";

const LESSONS_SHOWN = 100; // the API's largest page

export function CourseEditor({ id }: { id: string }) {
  const { data, failure, reload } = useQuery(AuthoredCourseQuery, { id, lessonsFirst: LESSONS_SHOWN });
  const course = data?.course;
  if (!course) {
    return (
      <main class="wide">
        <Failure error={failure ?? (data ? new Error("This course does not exist.") : null)} />
        {!data && !failure && <p>Loading…</p>}
      </main>
    );
  }
  return (
    <main class="wide">
      <p>
        <Link href="/teach">← Courses</Link>
      </p>
      <h1>{course.title}</h1>
      <CourseForm course={course} />
      <h2>Lessons</h2>
      <Lessons course={course} reload={reload} />
      <NewLesson courseId={course.id} />
    </main>
  );
}

function CourseForm({ course }: { course: NonNullable<Course["course"]> }) {
  const [title, setTitle] = useState(course.title);
  const [description, setDescription] = useState(course.description);
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => setSaved(false), [title, description]);
  async function save(event: SubmitEvent) {
    event.preventDefault();
    setFailure(null);
    try {
      const { updateCourse } = await request(UpdateCourseMutation, { input: { id: course.id, title, description } });
      setErrors(errorsByPath(updateCourse.errors));
      setSaved(updateCourse.course !== null && updateCourse.course !== undefined);
    } catch (error) {
      setFailure(error);
    }
  }
  const form = "course";
  return (
    <form class="panel" onSubmit={save} noValidate>
      <TextField form={form} path="title" label="Title" value={title} onInput={setTitle} errors={errors} maxLength={200} />
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
      <Leftover errors={errors} shown={["title", "description"]} />
      <Failure error={failure} />
      <button type="submit">Save course</button> {saved && <span role="status">Saved.</span>}
    </form>
  );
}

function Lessons({ course, reload }: { course: NonNullable<Course["course"]>; reload: () => Promise<void> }) {
  const [failure, setFailure] = useState<unknown>(null);
  async function publish(id: string, published: boolean) {
    setFailure(null);
    try {
      const { publishLesson } = await request(PublishLessonMutation, { input: { id, published } });
      if (publishLesson.errors.length) setFailure(new Error(publishLesson.errors.map((e) => e.message).join(" ")));
      await reload();
    } catch (error) {
      setFailure(error);
    }
  }
  const lessons = course.lessons.edges.map((edge) => edge.node);
  return (
    <>
      <Failure error={failure} />
      {!lessons.length && <p>No lessons yet.</p>}
      <ol class="lessons">
        {lessons.map((lesson) => (
          <li key={lesson.id}>
            <Link href={`/teach/lessons/${encodeURIComponent(lesson.id)}`}>{lesson.title}</Link>{" "}
            <span class={`badge ${lesson.published ? "done" : ""}`}>{lesson.published ? "published" : "draft"}</span>{" "}
            <button type="button" class="link" onClick={() => publish(lesson.id, !lesson.published)}>
              {lesson.published ? "Unpublish" : "Publish"}
            </button>
          </li>
        ))}
      </ol>
      {course.lessons.totalCount > lessons.length && (
        <p class="hint">
          The first {lessons.length} of {course.lessons.totalCount} lessons.
        </p>
      )}
    </>
  );
}

function NewLesson({ courseId }: { courseId: string }) {
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<unknown>(null);
  async function create(event: SubmitEvent) {
    event.preventDefault();
    setFailure(null);
    try {
      const { createLesson } = await request(CreateLessonMutation, { input: { courseId, title, body } });
      setErrors(errorsByPath(createLesson.errors));
      if (createLesson.lesson) navigate(`/teach/lessons/${encodeURIComponent(createLesson.lesson.id)}`);
    } catch (error) {
      setFailure(error);
    }
  }
  const form = "new-lesson";
  return (
    <form class="panel" onSubmit={create} noValidate>
      <h2>New lesson</h2>
      <TextField form={form} path="title" label="Lesson title" value={title} onInput={setTitle} errors={errors} maxLength={200} />
      <TextField form={form} path="body" label="Lesson text" value={body} onInput={setBody} errors={errors} maxLength={200000} rows={6} />
      <Leftover errors={errors} shown={["title", "body"]} />
      <Failure error={failure} />
      <button type="submit">Create lesson</button>
    </form>
  );
}
