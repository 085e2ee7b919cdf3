// The instructor's side: its navigation (shown to staff only) and its pages under /teach, loaded on first use as a
// chunk of their own (pages.tsx) so that the learner's bundle does not grow with them.
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { Link } from "../components/Link";
import { Failure } from "../components/Problems";
import { useStaff } from "./staff";

type Pages = typeof import("./pages");

let loading: Promise<Pages> | null = null;

function load(): Promise<Pages> {
  loading ??= import("./pages").catch((error: unknown) => {
    loading = null; // try again on the next visit
    throw error;
  });
  return loading;
}

export function InstructorNav() {
  const staff = useStaff();
  if (!staff) return null;
  return (
    <>
      <Link href="/teach">Teach</Link>
      <Link href="/teach/classes">Classes</Link>
    </>
  );
}

function Teaching({ path }: { path: string }) {
  const [pages, setPages] = useState<Pages | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  useEffect(() => {
    load().then(setPages, () => setFailure(new Error("This page could not be loaded: check your connection and reload.")));
  }, []);
  if (!pages) {
    return (
      <main>
        <Failure error={failure} />
        {!failure && <p>Loading…</p>}
      </main>
    );
  }
  if (path === "/teach") return <pages.Authoring />;
  if (path === "/teach/classes") return <pages.Classes />;
  const [, kind, raw] = path.match(/^\/teach\/(courses|lessons|classes)\/([^/]+)$/) ?? [];
  const id = decodeURIComponent(raw);
  if (kind === "courses") return <pages.CourseEditor id={id} />;
  if (kind === "lessons") return <pages.LessonEditor id={id} />;
  return <pages.Analytics id={id} />;
}

/** The instructor's page for a path under /teach, or null for any other path. */
export function instructorPage(path: string): JSX.Element | null {
  const known = path === "/teach" || path === "/teach/classes" || /^\/teach\/(courses|lessons|classes)\/[^/]+$/.test(path);
  return known ? <Teaching path={path} /> : null;
}
