// /teach/classes/:id: the class's analytics dashboard: the figures, the grade distribution, the trend per student,
// the students at risk and the item analysis with its flags.
import { useEffect, useState } from "preact/hooks";
import type { ClassDashboardQuery as Dashboard } from "../../../typescript/src/gql/graphql.js";
import { ClassDashboardQuery, StudentAnalyticsQuery } from "../../../typescript/src/operations/instructor/analytics.js";
import { ClassesQuery } from "../../../typescript/src/operations/instructor/classes.js";
import { request } from "../api";
import { Link } from "../components/Link";
import { Failure } from "../components/Problems";
import { Histogram } from "./charts/Histogram";
import { type StudentTrend, StudentTrends } from "./charts/StudentTrends";
import { MEMBERS_SHOWN } from "./Classes";
import { useQuery } from "./load";

type ClassAnalytics = Dashboard["classAnalytics"];
type Item = ClassAnalytics["items"][number];

const AT_RISK_SHOWN = 20;
const TRENDS_SHOWN = 40; // one request per student: the first ones in sign-up order
const PARALLEL = 4;

const REASONS: Record<string, string> = { LOW_MEAN: "low mean", DECLINING: "declining" };

function percent(value: number | null | undefined, digits = 0): string {
  return value === null || value === undefined ? "–" : `${value.toFixed(digits)}%`;
}

/** Moodle's reading of the item statistics: too easy or too hard, and weak or negative discrimination. */
export function itemFlags(item: Pick<Item, "facilityIndex" | "discriminationIndex" | "attempts">): string[] {
  const flags = [];
  if (item.facilityIndex > 0.9) flags.push("too easy");
  if (item.facilityIndex < 0.2) flags.push("too hard");
  const discrimination = item.discriminationIndex;
  if (discrimination !== null && discrimination !== undefined) {
    if (discrimination < 0) flags.push("negative discrimination");
    else if (discrimination < 0.2) flags.push("weak discrimination");
  }
  return flags;
}

export function Analytics({ id }: { id: string }) {
  const { data, failure } = useQuery(ClassDashboardQuery, { classId: id, atRiskFirst: AT_RISK_SHOWN });
  const analytics = data?.classAnalytics;
  if (!analytics) {
    return (
      <main class="wide">
        <Failure error={failure} />
        {!failure && <p>Loading…</p>}
      </main>
    );
  }
  return (
    <main class="wide">
      <p>
        <Link href="/teach/classes">← Classes</Link>
      </p>
      <h1>{analytics.class.name}: analytics</h1>
      <dl class="figures">
        <Figure label="Students" value={String(analytics.studentCount)} />
        <Figure label="With grades" value={String(analytics.gradedStudentCount)} />
        <Figure label="Mean" value={percent(analytics.mean, 1)} />
        <Figure label="Median" value={percent(analytics.median, 1)} />
        <Figure label="Std. deviation" value={analytics.standardDeviation?.toFixed(1) ?? "–"} />
        <Figure label="At risk" value={String(analytics.atRiskCount)} warn={analytics.atRiskCount > 0} />
      </dl>
      <section>
        <h2>Grade distribution</h2>
        <p class="hint">Students by their mean grade, in buckets of 10 points.</p>
        <Histogram buckets={analytics.histogram} label="Students by mean grade" />
      </section>
      <Trends classId={id} lessons={analytics.lessons} />
      <AtRisk students={analytics.atRiskStudents} total={analytics.atRiskCount} />
      <Items items={analytics.items} />
    </main>
  );
}

function Figure({ label, value, warn = false }: { label: string; value: string; warn?: boolean }) {
  return (
    <div class={warn ? "warn" : ""}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function Trends({ classId, lessons }: { classId: string; lessons: ClassAnalytics["lessons"] }) {
  const [trends, setTrends] = useState<StudentTrend[] | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const order = [...lessons].sort((a, b) => a.lesson.position - b.lesson.position).map((row) => row.lesson.id);
  useEffect(() => {
    let alive = true;
    (async () => {
      const { classes } = await request(ClassesQuery, { studentsFirst: Math.min(TRENDS_SHOWN, MEMBERS_SHOWN) });
      const students = classes.find((group) => group.id === classId)?.students?.edges.map((edge) => edge.node) ?? [];
      const found: StudentTrend[] = [];
      for (let start = 0; start < students.length && alive; start += PARALLEL) {
        const batch = await Promise.all(
          students.slice(start, start + PARALLEL).map((student) => request(StudentAnalyticsQuery, { userId: student.id })),
        );
        for (const { studentAnalytics: row } of batch) {
          const means = new Map(row.lessons.map((lesson) => [lesson.lesson.id, lesson.mean]));
          found.push({
            id: row.user.id,
            name: row.user.displayName,
            mean: row.mean ?? null,
            slopePerWeek: row.trend.slopePerWeek ?? null,
            lessonMeans: order.map((lessonId) => means.get(lessonId) ?? null),
          });
        }
      }
      if (alive) setTrends(found);
    })().catch((error: unknown) => alive && setFailure(error));
    return () => {
      alive = false;
    };
  }, [classId, order.join()]);
  return (
    <section>
      <h2>Trend per student</h2>
      <p class="hint">
        Each student's mean per lesson in course order, and how fast their grades rise or fall (least-squares slope,
        points per week); falling first.
      </p>
      <Failure error={failure} />
      {!trends && !failure && <p>Loading…</p>}
      {trends && !trends.length && <p>No students have joined yet.</p>}
      {trends && trends.length > 0 && <StudentTrends students={trends} />}
    </section>
  );
}

function AtRisk({ students, total }: { students: ClassAnalytics["atRiskStudents"]; total: number }) {
  return (
    <section>
      <h2>At risk</h2>
      {!students.length ? (
        <p>No student is at risk.</p>
      ) : (
        <table class="board" data-testid="at-risk">
          <thead>
            <tr>
              <th>Student</th>
              <th>Why</th>
              <th>Mean</th>
              <th>Last 30 days</th>
              <th>Grades</th>
            </tr>
          </thead>
          <tbody>
            {students.map((student) => (
              <tr key={student.user.id}>
                <td>{student.user.displayName}</td>
                <td>
                  {student.reasons.map((reason) => (
                    <span key={reason} class="flag">
                      {REASONS[reason] ?? reason}
                    </span>
                  ))}
                </td>
                <td>{percent(student.mean, 1)}</td>
                <td>
                  {student.trend.change30Days === null || student.trend.change30Days === undefined
                    ? "–"
                    : `${student.trend.change30Days >= 0 ? "+" : ""}${student.trend.change30Days.toFixed(1)} points`}
                </td>
                <td>{student.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {total > students.length && <p class="hint">The first {students.length} of {total}.</p>}
    </section>
  );
}

function Items({ items }: { items: Item[] }) {
  return (
    <section>
      <h2>Item analysis</h2>
      <p class="hint">
        Facility: the mean score as a share of the maximum (how easy). Discrimination: how well the item separates
        stronger from weaker students (correlation with the rest of the test). Flagged: facility above 90% or below
        20%, discrimination below 0.2.
      </p>
      {!items.length ? (
        <p>No first attempts to analyse yet.</p>
      ) : (
        <table class="board items" data-testid="items">
          <thead>
            <tr>
              <th>Problem</th>
              <th>Lesson</th>
              <th>Attempts</th>
              <th>Facility</th>
              <th>Discrimination</th>
              <th>Flags</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => {
              const flags = itemFlags(item);
              return (
                <tr key={item.problem.id} class={flags.length ? "flagged" : ""}>
                  <td>{item.problem.prompt.length > 90 ? `${item.problem.prompt.slice(0, 89)}…` : item.problem.prompt}</td>
                  <td>{item.lesson.title}</td>
                  <td>{item.attempts}</td>
                  <td>
                    <svg class="meter" viewBox="0 0 100 8" aria-hidden="true">
                      <rect class="meter-track" width={100} height={8} />
                      <rect width={Math.round(item.facilityIndex * 100)} height={8} />
                    </svg>{" "}
                    {Math.round(item.facilityIndex * 100)}%
                  </td>
                  <td>{item.discriminationIndex === null || item.discriminationIndex === undefined ? "–" : item.discriminationIndex.toFixed(2)}</td>
                  <td>
                    {flags.map((flag) => (
                      <span key={flag} class="flag">
                        {flag}
                      </span>
                    ))}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
