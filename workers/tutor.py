"""The `tutor_reply` job: stream one tutor reply from the provider to the thread's subscribers.

Deltas are published on the thread's broker channel (`tutor:<thread id>`) straight from the job, at
once for the first and then at most every `tutor_publish_interval_ms` (a relay task coalesces them),
so the job may run on any worker and the subscribers sit on any API process. Each event carries the
whole text so far, which is what lets a subscriber that joins late, or lost a message, catch up. The
text is saved to the row every `tutor_save_interval_ms`. A stop (`cancelTutorReply`) announces the
reply's final state on the reply's own stop channel (`tutor-stop:<message id>`) too: the relay
listens there and generation ends at the next chunk, keeping what was written; a stop whose event
was lost (a Redis reconnect), or a deleted thread, is noticed by the next save, which writes only
while the reply is STREAMING. Nothing reads
the row while the reply streams: with many replies at once those reads were most of the database's
work and delayed the other replies' first words. The final state is written once and announced after
its commit.

Safe to run twice: a finished reply is left alone, and a reply an earlier run had started writing
(its worker died) is FAILED with its partial text rather than written (and charged) a second time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from domain.infra.broker import Gap
from domain.jobs.records import Usage
from domain.models import TutorMessageStatus
from domain.realtime import events
from domain.realtime.dispatch import tutor_channel, tutor_stop_channel
from domain.tutor import replies
from domain.tutor.replies import Prepared
from workers.ai import ProviderError
from workers.runtime import Runtime

log = logging.getLogger("learnql.tutor")

INTERRUPTED = "The reply was interrupted (its worker stopped); ask again."
UNAVAILABLE = "The tutor is unavailable right now; ask again in a moment."
STOP_QUEUE = 4  # events on a reply's stop channel: one, normally


class Relay:
    """Publishes the growing text (leading edge, then at most once per interval), saves it now and
    then, and notices a stop. Closed by letting its loop end, never by cancelling it: a task cancelled
    inside a transaction could leave a connection holding the reply's row lock. (Its listener holds
    no transaction and is cancelled.)"""

    def __init__(self, rt: Runtime, prepared: Prepared) -> None:
        self.rt = rt
        self.prepared = prepared
        self.text = ""
        self.stopped = False  # the reply is no longer STREAMING: stop generating
        self._published = ""
        self._saved = ""
        self._changed = asyncio.Event()
        self._closing = asyncio.Event()
        self._task = asyncio.create_task(self._run(), name=f"learnql-tutor-{prepared.message_id}")
        self._listener = asyncio.create_task(self._listen(), name=f"learnql-tutor-stop-{prepared.message_id}")

    def grow(self, delta: str) -> None:
        self.text += delta
        self._changed.set()

    async def _run(self) -> None:
        settings = self.rt.settings
        interval = settings.tutor_publish_interval_ms / 1000
        save_every = settings.tutor_save_interval_ms / 1000
        loop = asyncio.get_running_loop()
        last_save = -save_every  # the first text is saved at once, like the first delta is published
        while not self.stopped:
            await self._changed.wait()
            self._changed.clear()
            if self._closing.is_set():
                return
            started = loop.time()
            save = started - last_save >= save_every
            if save:
                last_save = started
            await self._step(save)
            pause = interval - (loop.time() - started)
            if pause > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._closing.wait(), pause)

    async def _listen(self) -> None:
        """Stop when the reply's final state is announced by someone else (cancelTutorReply)."""
        channel = tutor_stop_channel(self.prepared.message_id)
        async with self.rt.backends.realtime.broker.subscribe(channel, maxsize=STOP_QUEUE) as messages:
            async for message in messages:
                if isinstance(message, Gap):
                    continue  # a lost stop is noticed by the next save
                reply = events.decode_tutor(message)
                if reply.message_id == self.prepared.message_id and reply.done:
                    self.stopped = True
                    return

    async def _step(self, save: bool) -> None:
        text = self.text
        if text != self._published:
            self._published = text
            reply = events.TutorReply(
                self.prepared.thread_id, self.prepared.message_id, text, TutorMessageStatus.STREAMING.value, False
            )
            await self.rt.backends.realtime.broker.publish(tutor_channel(self.prepared.thread_id), events.encode(reply))
        if save and text != self._saved:
            async with self.rt.unit_of_work() as session:
                still = await replies.save(session, self.prepared.message_id, text, self.rt.now())
            self._saved = text
            self.stopped = self.stopped or not still

    async def close(self) -> None:
        self._closing.set()
        self._changed.set()
        self._listener.cancel()
        try:
            await self._task
        except Exception:  # the reply is still finished; its subscribers get the final event
            log.exception("relaying tutor reply %d failed", self.prepared.message_id)
        (listened,) = await asyncio.gather(self._listener, return_exceptions=True)
        if isinstance(listened, Exception):  # a broker outage: stops were still noticed by the saves
            log.warning("listening for a stop of tutor reply %d failed: %r", self.prepared.message_id, listened)


async def tutor_reply(ctx: dict[str, Any], message_id: int) -> str:
    """Write the tutor reply `message_id` (a STREAMING TutorMessage); safe to run twice."""
    rt: Runtime = ctx["runtime"]
    async with rt.reading() as session:
        prepared = await replies.prepare(session, message_id, rt.settings)
    if prepared is None:
        return "nothing to do"
    if prepared.resumed:
        await _finish(rt, message_id, "", Usage(), INTERRUPTED)
        return "failed"
    relay = Relay(rt, prepared)
    usage, error = Usage(), None
    try:
        async with contextlib.aclosing(rt.provider.chat(prepared.request)) as stream:
            async for item in stream:
                if isinstance(item, Usage):
                    usage = item
                    continue
                relay.grow(item)
                if relay.stopped:
                    break
    except ProviderError as failure:
        log.warning("tutor reply %d failed: %s", message_id, failure)
        usage, error = failure.usage, (UNAVAILABLE if not relay.text else f"The reply broke off: {failure}")
    except Exception as failure:
        log.exception("tutor reply %d failed", message_id)
        error = f"Internal error: {failure.__class__.__name__}."
    finally:
        await relay.close()
    await _finish(rt, message_id, relay.text, usage, error)
    return "failed" if error is not None else "cancelled" if relay.stopped else "succeeded"


async def _finish(rt: Runtime, message_id: int, text: str, usage: Usage, error: str | None) -> None:
    async with rt.unit_of_work() as session:  # its final event goes out after the commit (domain/outbox.py)
        await replies.finish(session, message_id, text, usage, rt.settings, rt.now(), error=error)
