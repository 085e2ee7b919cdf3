// Generating problems from a PDF: the file goes up as a GraphQL multipart request (docs/api/uploads.md), the job's
// progress comes live through the jobProgress subscription (graphql-ws subscribes again after a reconnect, and the
// server answers a job that finished meanwhile with its final state at once), and its DRAFT problems are published
// from here.
import { useEffect, useState } from "preact/hooks";
import type { JobFieldsFragment } from "../../../../typescript/src/gql/graphql.js";
import { UpdateProblemMutation } from "../../../../typescript/src/operations/instructor/content.js";
import {
  GenerateProblemsMutation,
  JobProgressSubscription,
  JobsQuery,
} from "../../../../typescript/src/operations/instructor/jobs.js";
import { request, upload } from "../../api";
import { Failure } from "../../components/Problems";
import { useSubscription } from "../../live";
import { ErrorAt, type Errors, errorsByPath, Leftover } from "./Fields";

const FINISHED = new Set(["SUCCEEDED", "FAILED"]);
const FORM = "generate";

export function GenerateFromPdf({ lessonId, onChanged }: { lessonId: string; onChanged: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [count, setCount] = useState("5");
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<unknown>(null);
  const [job, setJob] = useState<JobFieldsFragment | null>(null);
  const [busy, setBusy] = useState(false);
  const following = job !== null && !FINISHED.has(job.status);

  useSubscription(
    JobProgressSubscription,
    { jobId: job?.id ?? "" },
    (data) => setJob((current) => (current && current.id === data.jobProgress.id ? data.jobProgress : current)),
    following,
  );
  useEffect(() => {
    if (job?.status === "SUCCEEDED") onChanged();
  }, [job?.status]);
  // A generation still under way for this lesson (started before the page was left or reloaded) is followed again.
  useEffect(() => {
    request(JobsQuery, { lessonId, kind: "GENERATION", first: 1 }).then((data) => {
      const newest = data.jobs.edges[0]?.node;
      if (newest && !FINISHED.has(newest.status)) setJob((current) => current ?? newest);
    }, setFailure);
  }, [lessonId]);

  async function generate(event: SubmitEvent) {
    event.preventDefault();
    if (!file) {
      setErrors({ document: "Choose a PDF with a text layer." });
      return;
    }
    setBusy(true);
    setFailure(null);
    setJob(null);
    try {
      const { generateProblems } = await upload(
        GenerateProblemsMutation,
        { input: { lessonId, document: null, count: Number(count) || 1 } },
        { "input.document": file },
      );
      setErrors(errorsByPath(generateProblems.errors));
      if (generateProblems.job) setJob(generateProblems.job);
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="panel" data-testid="generate">
      <h3>Generate problems from a PDF</h3>
      <form onSubmit={generate} noValidate>
        <div class="field">
          <label for={`${FORM}-document`}>PDF (with a text layer)</label>
          <input
            id={`${FORM}-document`}
            type="file"
            accept="application/pdf,.pdf"
            aria-invalid={errors.document !== undefined}
            aria-describedby={errors.document ? `${FORM}-document-error` : undefined}
            onChange={(event) => setFile((event.currentTarget as HTMLInputElement).files?.[0] ?? null)}
          />
          <ErrorAt errors={errors} path="document" form={FORM} />
        </div>
        <div class="field">
          <label for={`${FORM}-count`}>How many problems</label>
          <input
            id={`${FORM}-count`}
            type="number"
            min={1}
            max={100}
            value={count}
            onInput={(event) => setCount((event.currentTarget as HTMLInputElement).value)}
          />
          <ErrorAt errors={errors} path="count" form={FORM} />
        </div>
        <Leftover errors={errors} shown={["document", "count"]} />
        <Failure error={failure} />
        <button type="submit" disabled={busy || following}>
          Generate
        </button>
      </form>
      {job && <JobProgress job={job} onPublished={onChanged} onJob={setJob} />}
    </section>
  );
}

function JobProgress({
  job,
  onPublished,
  onJob,
}: {
  job: JobFieldsFragment;
  onPublished: () => void;
  onJob: (job: JobFieldsFragment) => void;
}) {
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const percent = Math.round(job.progress * 100);
  const drafts = job.problems.filter((problem) => problem.status === "DRAFT");

  async function publish(ids: string[]) {
    setBusy(true);
    setFailure(null);
    try {
      const published = new Set<string>();
      for (const id of ids) {
        const { updateProblem } = await request(UpdateProblemMutation, { input: { id, status: "PUBLISHED" } });
        if (updateProblem.errors.length) throw new Error(updateProblem.errors.map((error) => error.message).join(" "));
        published.add(id);
      }
      onJob({
        ...job,
        problems: job.problems.map((problem) => (published.has(problem.id) ? { ...problem, status: "PUBLISHED" } : problem)),
      });
      onPublished();
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div class="job" data-testid="job" data-status={job.status}>
      <p>
        <progress max={100} value={percent} aria-label="Generation progress" data-testid="job-progress" /> {percent}% ·{" "}
        <strong data-testid="job-status">{job.status.toLowerCase()}</strong>
        {job.status === "SUCCEEDED" &&
          ` · ${job.problems.length} of ${job.requestedCount ?? "?"} made${job.rejectedCount ? `, ${job.rejectedCount} dropped` : ""}`}
      </p>
      {job.error && <p class="failure">{job.error}</p>}
      {job.problems.length > 0 && (
        <ul class="drafts">
          {job.problems.map((problem) => (
            <li key={problem.id} data-testid="generated-problem" data-status={problem.status}>
              <span class={`badge ${problem.status === "PUBLISHED" ? "done" : ""}`}>{problem.status.toLowerCase()}</span>{" "}
              {problem.prompt}{" "}
              {problem.status === "DRAFT" && (
                <button type="button" class="link" disabled={busy} onClick={() => publish([problem.id])}>
                  Publish
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {drafts.length > 1 && (
        <button type="button" disabled={busy} onClick={() => publish(drafts.map((problem) => problem.id))}>
          Publish all {drafts.length} drafts
        </button>
      )}
      <Failure error={failure} />
    </div>
  );
}
