// The published courses.
import { useEffect, useState } from "preact/hooks";
import type { CoursesQuery } from "../../../typescript/src/gql/graphql.js";
import { CoursesQuery as Courses } from "../../../typescript/src/operations/learner/content.js";
import { request } from "../api";
import { Link } from "../components/Link";
import { Failure } from "../components/Problems";

export function CourseList() {
  const [courses, setCourses] = useState<CoursesQuery["courses"] | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  useEffect(() => {
    request(Courses, { first: 50 }).then((data) => setCourses(data.courses), setFailure);
  }, []);
  return (
    <main>
      <h1>Courses</h1>
      <Failure error={failure} />
      {courses === null && !failure && <p>Loading…</p>}
      <ul class="cards">
        {courses?.edges.map(({ node }) => (
          <li key={node.id}>
            <h2>
              <Link href={`/courses/${encodeURIComponent(node.id)}`}>{node.title}</Link>
            </h2>
            <p>{node.description}</p>
          </li>
        ))}
      </ul>
    </main>
  );
}
