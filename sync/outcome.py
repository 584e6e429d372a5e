"""What became of one participant in a batch: the value the executor fills, the writes carry and the batch
bookkeeping records. Its own module so that those three import it from below instead of from each other."""

from __future__ import annotations

from dataclasses import dataclass

from sync.planner import ParticipantPlan


@dataclass
class Outcome:
    plan: ParticipantPlan
    error_code: str = ""
    error_message: str = ""
    retry: bool = False  # a transient per-record error: stays pending, the batch is retried
    # The record changed between look-up and write (converted, merged, deleted): stays pending, and the
    # next batch's look-up follows ConvertedContactId / MasterRecordId. Never failed for good.
    replan: bool = False

    @property
    def complete(self) -> bool:
        return not (self.error_code or self.retry or self.replan or self.plan.deferred)

    @property
    def live(self) -> bool:
        return not (self.plan.deferred or self.error_code or self.retry or self.replan)
