// A course's lessons with the viewer's progress in each.
import { useEffect, useState } from "preact/hooks";
import type { LessonsQuery } from "../../../typescript/src/gql/graphql.js";
import { LessonsQuery as Lessons } from "../../../typescript/src/operations/learner/content.js";
import { request } from "../api";
import { Link } from "../components/Link";
import { Failure } from "../components/Problems";

export function Course({ id }: { id: string }) {
  const [lessons, setLessons] = useState<LessonsQuery["lessons"] | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  useEffect(() => {
    request(Lessons, { courseId: id, first: 100 }).then((data) => setLessons(data.lessons), setFailure);
  }, [id]);
  const title = lessons?.edges[0]?.node.course.title ?? "Course";
  return (
    <main>
      <p>
        <Link href="/">← Courses</Link>
      </p>
      <h1>{title}</h1>
      <Failure error={failure} />
      {lessons === null && !failure && <p>Loading…</p>}
      <ol class="lessons">
        {lessons?.edges.map(({ node }) => {
          const progress = node.viewerProgress;
          return (
            <li key={node.id}>
              <Link href={`/lessons/${encodeURIComponent(node.id)}`}>{node.title}</Link>{" "}
              <span class={progress?.completed ? "badge done" : "badge"}>
                {progress
                  ? `${progress.completed ? "completed" : "started"} · best ${Math.round(progress.bestScore * 100)}% · ${progress.attempts} attempt${progress.attempts === 1 ? "" : "s"}`
                  : "not started"}
              </span>
            </li>
          );
        })}
      </ol>
    </main>
  );
}
