"""Use cases of the participant side: join, answer, checkpoint, share, improve, delete, erase.

Every command on a participant stream goes through `_run`: load the snapshot, decide, append
(the commit `_id` decides races), and on a collision decide again from a fresh state. An answer
is two database round trips on the happy path (commit insert, snapshot write; plus the snapshot
read when another process served the stream's previous command) and its share of a batched
publish mark; see docs/adr/0015-participation-store.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from assessment.application.context import Context
from assessment.domain.answers import AnswerFormatError, AnswerResult, validate
from assessment.domain.knowledge import KnowledgeElement, latest_per_skill
from assessment.domain.participant import (
    AnswerCommand,
    Attempt,
    CampaignFacts,
    JoinRequest,
    ParticipantState,
    Refused,
    active_attempt,
    ask_next,
    decide_answer,
    decide_delete,
    decide_improve,
    decide_join,
    decide_share,
    fold,
    participant_stream,
)
from assessment.domain.target import TargetIndex
from orga_shared.events.envelope import DomainEvent
from orga_shared.eventstore.store import ConcurrencyError

ATTEMPTS = 4
SKIPPED = "#ABAND#"


@dataclass(frozen=True)
class Written:
    state: ParticipantState
    events: list[DomainEvent]


async def _run(
    ctx: Context,
    stream: str,
    key: str,
    decide: Callable[[ParticipantState], list[DomainEvent]],
) -> Written:
    state, version = await ctx.store.load(stream, recent=True)
    checked = False
    for attempt in range(1, ATTEMPTS + 1):
        try:
            events = decide(state)
        except Refused:
            if checked:
                raise
            # a snapshot left behind by a crash must not refuse what the commits allow
            checked = True
            fresh_state, fresh_version = await ctx.store.fresh(stream)
            if fresh_version == version:
                raise
            state, version = fresh_state, fresh_version
            events = decide(state)
        if not events:
            return Written(state, [])
        after = fold(state, events)
        try:
            await ctx.store.append(stream, version, events, after, key=key)
        except ConcurrencyError:
            if attempt == ATTEMPTS:
                raise
            state, version = await ctx.store.fresh(stream)
            continue
        return Written(after, events)
    raise AssertionError("unreachable")


async def campaign_or_404(ctx: Context, campaign_id: str) -> CampaignFacts:
    campaign = await ctx.facts.campaign(campaign_id)
    if campaign is None:
        raise Refused("CAMPAIGN_NOT_FOUND", "Cette campagne n'existe pas.", 404)
    return campaign


async def user_knowledge(ctx: Context, user_id: str) -> list[KnowledgeElement]:
    """Every KE of the user, from all their participations (validated skills are never asked
    again in any campaign, adaptive-engine.md §8.5-6)."""
    out: list[KnowledgeElement] = []
    for state in await ctx.store.snapshots_of_user(user_id):
        for a in state.attempts:
            if not a.deleted:
                out.extend(a.knowledge.values())
    out.extend(await ctx.resets.of_user(user_id))
    return out


def profile_of(elements: list[KnowledgeElement]) -> dict[str, KnowledgeElement]:
    """The profile's knowledge: the latest KE per skill, resets dropped (§3.3)."""
    return latest_per_skill(sorted(elements, key=lambda ke: ke.created_at))


# --- join ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Joined:
    state: ParticipantState
    campaign: CampaignFacts
    created: bool


async def join(ctx: Context, request: JoinRequest, code: str) -> Joined:
    campaign = await ctx.facts.campaign_by_code(code)
    if campaign is None or campaign.deleted:
        raise Refused(
            "CAMPAIGN_CODE_UNKNOWN",
            "Ce code de campagne n'existe pas. Vérifiez-le et réessayez.",
            404,
            "code",
        )
    stream = participant_stream(campaign.campaign_id, request.user_id)
    learner = await ctx.facts.learner(campaign.organisation_id, request.user_id)
    restricted = await ctx.facts.is_restricted(campaign.organisation_id)
    prior = await user_knowledge(ctx, request.user_id) if campaign.type == "ASSESSMENT" else []
    latest = list(profile_of(prior).values())
    decisions = {}

    def decide(state: ParticipantState) -> list[DomainEvent]:
        decision = decide_join(
            state, campaign, learner, request, restricted=restricted, now=ctx.clock(), prior=latest
        )
        decisions["last"] = decision
        if decision.resume:
            return []
        return [*decision.events]

    # rule 11 spans learners: one reservation per (campaign, learner), first user wins
    state, _ = await ctx.store.load(stream)
    probe = decide_join(
        state, campaign, learner, request, restricted=restricted, now=ctx.clock(), prior=latest
    )
    if not probe.resume and learner.learner_id is not None:
        holder = await ctx.reservations.reserve(
            campaign.campaign_id, learner.learner_id, request.user_id
        )
        if holder != request.user_id:
            raise Refused(
                "LEARNER_ALREADY_PARTICIPATED",
                "Cet élève a déjà participé à la campagne avec un autre compte.",
                409,
            )
    written = await _run(
        ctx, stream, request.user_id, lambda s: _with_first(ctx, s, decide(s), campaign)
    )
    decision = decisions["last"]
    if written.events:
        attempt = written.state.current
        assert attempt is not None
        if decision.external_id is not None:
            await ctx.external_ids.save(
                attempt.participation_id, campaign.campaign_id, decision.external_id
            )
        elif decision.reuse_external_id_of is not None:
            await ctx.external_ids.copy(decision.reuse_external_id_of, attempt.participation_id)
    return Joined(written.state, campaign, created=bool(written.events))


def _with_first(
    ctx: Context, state: ParticipantState, events: list[DomainEvent], campaign: CampaignFacts
) -> list[DomainEvent]:
    """A new assessment participation comes with its first challenge (or its completion)."""
    if not events or campaign.type != "ASSESSMENT" or campaign.target is None:
        return events
    after = fold(state, events)
    return [*events, *ask_next(after, ctx.targets.index(campaign))]


# --- answer --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answered:
    state: ParticipantState
    attempt: Attempt
    replayed: bool


async def answer(
    ctx: Context,
    user_id: str,
    campaign_id: str,
    *,
    answer_id: str,
    challenge_id: str,
    value: str | None,
    skipped: bool = False,
    timed_out: bool = False,
) -> Answered:
    stream = participant_stream(campaign_id, user_id)
    target = await ctx.targets.index_of(campaign_id, ctx.facts)
    if skipped and value is not None:
        raise Refused(
            "ANSWER_AND_SKIP", "Choisissez une réponse ou « Je passe », pas les deux.", 422, "value"
        )
    replayed = {"yes": False}

    def decide(state: ParticipantState) -> list[DomainEvent]:
        attempt = active_attempt(state)
        if attempt.answer(answer_id) is not None:
            replayed["yes"] = True
            return []
        result = _correct(target, attempt, challenge_id, value, skipped, timed_out)
        submitted = SKIPPED if skipped else value
        command = AnswerCommand(answer_id, challenge_id, submitted, result, ctx.clock())
        return decide_answer(state, target, command)

    written = await _run(ctx, stream, user_id, decide)
    attempt = active_attempt(written.state)
    return Answered(written.state, attempt, replayed["yes"])


def _correct(
    index: TargetIndex,
    attempt: Attempt,
    challenge_id: str,
    value: str | None,
    skipped: bool,
    timed_out: bool,
) -> AnswerResult:
    if attempt.current is None or attempt.current.challenge_id != challenge_id:
        # decide_answer refuses it with the right code; validate nothing
        return AnswerResult("ko")
    challenge = next(
        (c for c in index.challenges[attempt.current.skill_id] if c.id == challenge_id), None
    )
    if challenge is None:
        raise Refused("CHALLENGE_UNKNOWN", "Cette question n'existe pas.", 404, "challenge_id")
    if skipped:
        return validate(challenge, SKIPPED)
    if value is None:
        raise Refused(
            "ANSWER_REQUIRED",
            "Saisissez une réponse, ou choisissez « Je passe ».",
            422,
            "value",
        )
    try:
        return validate(challenge, value, timed_out=timed_out)
    except AnswerFormatError:
        raise Refused(
            "ANSWER_MALFORMED",
            "Cette réponse n'a pas la forme attendue pour cette question.",
            422,
            "value",
        ) from None


# --- reads, share, improve, delete ----------------------------------------------------------


async def current(ctx: Context, user_id: str, campaign_id: str) -> tuple[ParticipantState, Attempt]:
    """Reads check one commit past the snapshot (one more read by `_id`), so a snapshot a crash
    left behind is repaired before the learner sees it."""
    state, _ = await ctx.store.fresh(participant_stream(campaign_id, user_id))
    return state, active_attempt(state)


async def share(ctx: Context, user_id: str, campaign_id: str) -> ParticipantState:
    campaign = await campaign_or_404(ctx, campaign_id)
    profile = None
    if campaign.type == "PROFILES_COLLECTION":
        profile = profile_of(await user_knowledge(ctx, user_id))
    written = await _run(
        ctx,
        participant_stream(campaign_id, user_id),
        user_id,
        lambda s: decide_share(s, campaign, ctx.clock(), max_level=ctx.max_level, profile=profile),
    )
    return written.state


async def improve(ctx: Context, user_id: str, campaign_id: str) -> ParticipantState:
    campaign = await campaign_or_404(ctx, campaign_id)
    index = ctx.targets.index(campaign)

    def decide(state: ParticipantState) -> list[DomainEvent]:
        events = decide_improve(state, ctx.clock())
        return [*events, *ask_next(fold(state, events), index)] if events else []

    return (await _run(ctx, participant_stream(campaign_id, user_id), user_id, decide)).state


async def delete_participation(
    ctx: Context, campaign_id: str, participation_id: str, deleted_by: str
) -> bool:
    """§2.9: the teacher deletes the learner's participations in the campaign."""
    stream = await ctx.store.stream_of_participation(participation_id)
    if stream is None:
        return False
    state, _ = await ctx.store.load(stream)
    if state.campaign_id != campaign_id:
        return False
    user = state.user_id
    await _run(ctx, stream, user, lambda s: decide_delete(s, deleted_by))
    for attempt in state.attempts:
        await ctx.external_ids.erase(attempt.participation_id)
    return True


async def drop_campaign(ctx: Context, campaign_id: str) -> None:
    """CampaignDeleted: its participations go (their history with them)."""
    streams = await ctx.store.streams_of_campaign(campaign_id)
    await ctx.external_ids.erase_campaign(campaign_id)
    await ctx.store.erase_streams(streams)


async def erase_user(ctx: Context, user_id: str) -> None:
    """UserErased: every participation of the user goes, and the external ids are tombstoned."""
    states = await ctx.store.snapshots_of_user(user_id)
    for state in states:
        for attempt in state.attempts:
            await ctx.external_ids.erase(attempt.participation_id)
    await ctx.store.erase_streams([participant_stream(s.campaign_id, user_id) for s in states])
    await ctx.resets.erase_user(user_id)
