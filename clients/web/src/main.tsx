// The app's frame: the header (navigation, the live connection's state, sign out) and the routes.
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { Link } from "./components/Link";
import { InstructorNav, instructorPage } from "./instructor/routes";
import { useLinkState } from "./live";
import { Course } from "./pages/Course";
import { CourseList } from "./pages/Courses";
import { Leaderboard } from "./pages/Leaderboard";
import { LessonPage } from "./pages/Lesson";
import { Profile } from "./pages/Profile";
import { Reviews } from "./pages/Reviews";
import { SignIn } from "./pages/SignIn";
import { navigate, usePath } from "./router";
import { onTokenChange, setToken, token } from "./session";
import "./styles.css";

const LABELS = { live: "Live", connecting: "Connecting…", offline: "Offline: reconnects when back", idle: "" } as const;

function LinkIndicator() {
  const state = useLinkState();
  if (state === "idle") return null;
  return (
    <span class={`link-state ${state}`} role="status" data-testid="link-state" data-state={state}>
      {LABELS[state]}
    </span>
  );
}

function Page({ path }: { path: string }) {
  const lesson = path.match(/^\/lessons\/([^/]+)$/);
  if (lesson) return <LessonPage id={decodeURIComponent(lesson[1])} />;
  const course = path.match(/^\/courses\/([^/]+)$/);
  if (course) return <Course id={decodeURIComponent(course[1])} />;
  if (path === "/leaderboard") return <Leaderboard />;
  if (path === "/reviews") return <Reviews />;
  if (path === "/profile") return <Profile />;
  if (path === "/") return <CourseList />;
  const teaching = instructorPage(path);
  if (teaching) return teaching;
  return (
    <main>
      <h1>Not found</h1>
      <p>
        <Link href="/">Back to the courses</Link>
      </p>
    </main>
  );
}

function App() {
  const path = usePath();
  const [signedIn, setSignedIn] = useState(token() !== null);
  useEffect(() => onTokenChange(() => setSignedIn(token() !== null)), []);
  useEffect(() => {
    if (!signedIn && path !== "/login") navigate("/login", true);
  }, [signedIn, path]);
  if (!signedIn || path === "/login") return <SignIn />;
  return (
    <>
      <header>
        <nav>
          <strong>learnql</strong>
          <Link href="/">Courses</Link>
          <Link href="/reviews">Reviews</Link>
          <Link href="/leaderboard">Leaderboard</Link>
          <Link href="/profile">Profile</Link>
          <InstructorNav />
        </nav>
        <LinkIndicator />
        <button type="button" class="link" onClick={() => setToken(null)}>
          Sign out
        </button>
      </header>
      <Page path={path} />
    </>
  );
}

render(<App />, document.getElementById("app") as HTMLElement);
