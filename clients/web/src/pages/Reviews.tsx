// The review queue: the viewer's due cards one at a time. The learner recalls the answer (typing it is optional),
// shows the solution, then rates the recall with one of FSRS's four ratings; the page shows when the card is next
// due and the XP, then reads the queue again (a card rated Again comes back later today).
import { useEffect, useRef, useState } from "preact/hooks";
import type { Rating, ReviewQueueQuery, ReviewStatsQuery } from "../../../typescript/src/gql/graphql.js";
import {
  ReviewCardMutation,
  ReviewQueueQuery as Queue,
  ReviewStatsQuery as Stats,
} from "../../../typescript/src/operations/learner/reviews.js";
import { key, request } from "../api";
import { Answer, type Draft } from "../components/Answer";
import { Failure } from "../components/Problems";
import { Solution } from "../components/Solution";
import { at, fromNow } from "../time";

type Card = ReviewQueueQuery["reviewQueue"][number];
type Reviewed = { rating: Rating; due: string; xp: number };

const RATINGS: { rating: Rating; label: string; hint: string }[] = [
  { rating: "AGAIN", label: "Again", hint: "forgot it" },
  { rating: "HARD", label: "Hard", hint: "recalled with effort" },
  { rating: "GOOD", label: "Good", hint: "recalled" },
  { rating: "EASY", label: "Easy", hint: "recalled at once" },
];

export function Reviews() {
  const [queue, setQueue] = useState<Card[] | null>(null);
  const [stats, setStats] = useState<ReviewStatsQuery["reviewStats"] | null>(null);
  const [draft, setDraft] = useState<Draft>({});
  const [shown, setShown] = useState(false);
  const [reviewed, setReviewed] = useState<Reviewed | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const started = useRef(Date.now()); // when the current card was shown: the review's durationMs
  const next = useRef<HTMLButtonElement>(null);
  const answer = useRef<HTMLDivElement>(null);

  function load() {
    setFailure(null);
    request(Queue, { limit: 20 }).then((data) => {
      setQueue(data.reviewQueue);
      setDraft({});
      setShown(false);
      setReviewed(null);
      setRefusal(null);
      started.current = Date.now();
    }, setFailure);
    request(Stats).then((data) => setStats(data.reviewStats), setFailure);
  }
  useEffect(load, []);
  useEffect(() => {
    if (shown) answer.current?.focus(); // the button pressed is gone: the keyboard goes on from the answer
  }, [shown]);
  useEffect(() => {
    if (reviewed) next.current?.focus(); // and from the result
  }, [reviewed]);

  async function rate(card: Card, rating: Rating) {
    setBusy(true);
    setFailure(null);
    try {
      const { reviewCard } = await request(ReviewCardMutation, {
        input: { cardId: card.id, rating, idempotencyKey: key(), durationMs: Date.now() - started.current },
      });
      setRefusal(reviewCard.errors[0]?.message ?? null);
      if (reviewCard.review) {
        const { due, xpAwarded } = reviewCard.review;
        setReviewed({ rating, due, xp: xpAwarded });
        request(Stats).then((data) => setStats(data.reviewStats), setFailure);
      }
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  }

  const card = queue?.[0];
  return (
    <main>
      <h1>Reviews</h1>
      {stats && <StatsLine stats={stats} />}
      <Failure error={failure} />
      {queue === null && !failure && <p>Loading…</p>}
      {queue === null && failure !== null && (
        <button type="button" onClick={load}>
          Try again
        </button>
      )}
      {queue && !card && (
        <p data-testid="queue-empty">
          Nothing to review now. Answer problems in a lesson: each one you answer becomes a card here.
        </p>
      )}
      {card && (
        <article class="problem" data-testid="review-card" data-card={card.id} data-kind={card.problem.kind}>
          <p class="hint">
            {queue.length} card{queue.length === 1 ? "" : "s"} to review · this one is{" "}
            {card.state.toLowerCase()}, due {fromNow(card.due)}
            {card.retrievability !== null && card.retrievability !== undefined
              ? ` · recall now ${Math.round(card.retrievability * 100)}%`
              : ""}
          </p>
          <p class="prompt">{card.problem.prompt}</p>
          <Answer problem={card.problem} draft={draft} disabled={shown} onChange={setDraft} />
          {!shown ? (
            <p>
              <button type="button" onClick={() => setShown(true)}>
                Show the answer
              </button>
            </p>
          ) : (
            <div ref={answer} tabIndex={-1}>
              <Solution card={card} draft={draft} />
              {!reviewed && (
                <div role="group" aria-label="How well did you recall it?" class="ratings">
                  {RATINGS.map(({ rating, label, hint }) => (
                    <button type="button" key={rating} disabled={busy} onClick={() => rate(card, rating)}>
                      {label} <span class="hint">{hint}</span>
                    </button>
                  ))}
                </div>
              )}
            </div>
          )}
          {refusal && (
            <p class="field-error" role="alert">
              {refusal}
            </p>
          )}
          {reviewed && (
            <section class="result" aria-live="polite" data-testid="review-result">
              <p>
                Rated <strong>{RATINGS.find((entry) => entry.rating === reviewed.rating)?.label}</strong> · next due{" "}
                <strong data-testid="next-due" data-due={reviewed.due}>{fromNow(reviewed.due)}</strong> ({at(reviewed.due)})
                {reviewed.xp > 0 ? ` · +${reviewed.xp} XP` : ""}
              </p>
              <button type="button" ref={next} onClick={load}>
                Next card
              </button>
            </section>
          )}
        </article>
      )}
    </main>
  );
}

function StatsLine({ stats }: { stats: ReviewStatsQuery["reviewStats"] }) {
  return (
    <section class="stats" data-testid="review-stats" aria-label="Review statistics">
      <p>
        Today: {stats.reviewsToday} review{stats.reviewsToday === 1 ? "" : "s"} ({stats.newCardsToday} new) ·{" "}
        {stats.reviewsLeftToday} reviews and {stats.newCardsLeftToday} new cards left
        {stats.trueRetention !== null && stats.trueRetention !== undefined
          ? ` · retention ${Math.round(stats.trueRetention * 100)}% (30 days)`
          : ""}
      </p>
      <ol class="due-days" aria-label="Cards due in the next 7 days">
        {stats.dueByDay.map((day) => (
          <li key={day.date}>
            <span class="hint">{new Date(`${day.date}T12:00:00`).toLocaleDateString(undefined, { weekday: "short" })}</span>{" "}
            {day.count}
          </li>
        ))}
      </ol>
    </section>
  );
}
