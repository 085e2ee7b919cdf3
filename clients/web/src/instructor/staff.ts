// Whether the signed-in user is staff (INSTRUCTOR or ADMIN): read once per token, for the navigation. The API
// decides what staff may do; this only keeps the instructor's pages out of a learner's way.
import { useEffect, useState } from "preact/hooks";
import { ViewerQuery } from "../../../typescript/src/operations/learner/accounts.js";
import { request } from "../api";
import { onTokenChange, token } from "../session";

let known: { token: string | null; staff: Promise<boolean> } | null = null;

function staffRole(): Promise<boolean> {
  const current = token();
  if (!known || known.token !== current) {
    const staff = request(ViewerQuery).then(
      (data) => data.viewer?.role === "INSTRUCTOR" || data.viewer?.role === "ADMIN",
      () => {
        known = null; // not known (offline, rate limited): asked again on the next check
        return false;
      },
    );
    known = { token: current, staff };
  }
  return known.staff;
}

export function useStaff(): boolean {
  const [staff, setStaff] = useState(false);
  useEffect(() => {
    let alive = true;
    const check = () => staffRole().then((value) => alive && setStaff(value));
    check();
    const stop = onTokenChange(check);
    return () => {
      alive = false;
      stop();
    };
  }, []);
  return staff;
}
