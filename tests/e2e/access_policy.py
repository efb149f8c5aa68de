"""Who may call what: every route of every service (as its `/openapi.json` lists it) → the roles
allowed to succeed, with a one-line reason. tests/e2e/test_access_control.py reads the routes
from the running services and fails on a route that has no entry here (or an entry for a route
that no longer exists), so a new route is covered the day it is added.

Why a table here rather than an `x-orga-access` entry in each route's `openapi_extra`: the
policy is the *test's* expectation, written down independently of the code it checks; a route
that declares its own access would let one edit change both the rule and its proof. One
readable table also shows the whole system's access at a glance (docs/design.md, "who may see
what"; docs/domain/pix-orga.md §2 for the roles).

The seven roles (the scenario of the test):
  admin     ADMIN of organisation A (a school, SIECLE pupils imported), owner of A's campaign
  member    MEMBER of A
  other     ADMIN of organisation B (another organisation)
  owner     the student whose participation in A's campaign the paths name
  student   another student (no learner, no participation in A)
  anonymous no token
  platform  a platform admin (identity's `create-admin`): passes every organisation check
            (orga_shared.membership.MembershipDirectory.check), as support does in Pix Admin

A route's `allowed` roles must succeed (2xx, or one of `reached`: a domain answer past the
access checks, e.g. 409 "already finished", named by status or by error code); every other role
must not get a 2xx. The test adds an eighth caller on the routes naming an organisation and
another id: B's admin with B in the path and A's ids, who must get nothing of A's.
`last` names the one allowed role that runs a destructive route, after every other check (the
other roles are checked for refusals only, before); the test names these in its summary.
"""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("admin", "member", "other", "owner", "student", "anonymous", "platform")

EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
ORG_A = frozenset({"admin", "member", "platform"})
ADMIN_A = frozenset({"admin", "platform"})
PLATFORM = frozenset({"platform"})
OWNER = frozenset({"owner"})
NOBODY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Rule:
    allowed: frozenset[str]
    reason: str
    reached: tuple[int | str, ...] = ()
    """Answers past the access checks: a status, or an error `code` of the body."""
    last: str | None = None


def _rule(allowed: frozenset[str], reason: str, **kw: object) -> Rule:
    return Rule(allowed, reason, **kw)  # type: ignore[arg-type]


OPS = {
    "GET /health": _rule(EVERYONE, "liveness probe, no data"),
    "GET /ready": _rule(
        EVERYONE,
        "readiness probe, no data (503 when its database is slow: no refusal)",
        reached=(503,),
    ),
    "GET /asyncapi.json": _rule(EVERYONE, "the published event contract, no data"),
}

POLICY: dict[tuple[str, str], Rule] = {
    # ------------------------------------------------------------------ identity
    **{("identity", k): v for k, v in OPS.items()},
    ("identity", "POST /users"): _rule(EVERYONE, "anyone may create an account"),
    ("identity", "POST /users/student-accounts"): _rule(
        EVERYONE, "a pupil without e-mail creates an account (identifier generated)"
    ),
    ("identity", "POST /auth/token"): _rule(EVERYONE, "logging in: the password is the proof"),
    ("identity", "POST /auth/refresh"): _rule(
        EVERYONE, "the refresh token in the body is the proof"
    ),
    ("identity", "POST /auth/logout"): _rule(
        EVERYONE, "closes the session of the refresh token sent"
    ),
    ("identity", "POST /auth/logout-everywhere"): _rule(
        SIGNED_IN, "closes the caller's own sessions", last="owner"
    ),
    ("identity", "GET /.well-known/jwks.json"): _rule(EVERYONE, "public signing keys"),
    ("identity", "GET /users/me"): _rule(SIGNED_IN, "the caller's own account"),
    ("identity", "PATCH /users/me"): _rule(SIGNED_IN, "the caller's own profile"),
    ("identity", "PATCH /users/{user_id}/pix-orga-terms-of-service-acceptance"): _rule(
        OWNER, "only for oneself (the path names the owner student)"
    ),
    ("identity", "POST /sso/assertion"): _rule(
        NOBODY, "the signed assertion is the proof: a forged one is refused for every caller"
    ),
    ("identity", "POST /account-recovery"): _rule(
        NOBODY, "proof by a pupil's identity: an unknown one is refused for every caller"
    ),
    ("identity", "POST /account-recovery/confirm"): _rule(
        NOBODY, "the e-mailed token is the proof: a forged one is refused for every caller"
    ),
    ("identity", "POST /password-reset"): _rule(
        EVERYONE, "always the same answer, whether the e-mail exists or not"
    ),
    ("identity", "GET /password-reset-demands/{token}"): _rule(
        EVERYONE, "the e-mailed token is the proof (the test uses a real one)"
    ),
    ("identity", "POST /password-reset/confirm"): _rule(
        NOBODY, "the e-mailed token is the proof: a forged one is refused for every caller"
    ),
    ("identity", "DELETE /admin/users/{user_id}"): _rule(
        PLATFORM,
        "erasing a person is the platform's (the path names a spare account)",
        last="platform",
    ),
    ("identity", "GET /metrics"): _rule(
        NOBODY, "operator token only (ADR 0012): no user's access token, not even an admin's"
    ),
    # ------------------------------------------------------------------ organisation
    **{("organisation", k): v for k, v in OPS.items()},
    ("organisation", "GET /organisations"): _rule(PLATFORM, "every organisation: platform only"),
    ("organisation", "POST /organisations"): _rule(PLATFORM, "creating one: platform only"),
    ("organisation", "GET /me/organisations"): _rule(SIGNED_IN, "the caller's own memberships"),
    ("organisation", "GET /organisations/{organisation_id}"): _rule(
        ORG_A, "an organisation and its members: its members"
    ),
    ("organisation", "POST /organisations/{organisation_id}/members"): _rule(
        PLATFORM, "adding a member directly: platform only"
    ),
    ("organisation", "GET /organisations/{organisation_id}/memberships"): _rule(
        ORG_A, "the team: its members"
    ),
    ("organisation", "PATCH /organisations/{organisation_id}/memberships/{membership_id}"): _rule(
        ADMIN_A, "changing a role: the organisation's admins"
    ),
    ("organisation", "DELETE /organisations/{organisation_id}/memberships/{membership_id}"): _rule(
        ADMIN_A, "removing a member: the organisation's admins (a spare member)", last="admin"
    ),
    ("organisation", "POST /organisations/{organisation_id}/leave"): _rule(
        frozenset({"admin", "member"}),
        "leaving: a member, for themself",
        last="member",
        reached=(409,),  # the last admin may not leave
    ),
    ("organisation", "POST /organisations/{organisation_id}/invitations"): _rule(
        ADMIN_A, "inviting: the organisation's admins"
    ),
    ("organisation", "GET /organisations/{organisation_id}/invitations"): _rule(
        ADMIN_A, "pending invitations: the organisation's admins"
    ),
    (
        "organisation",
        "POST /organisations/{organisation_id}/invitations/{invitation_id}/resend",
    ): _rule(ADMIN_A, "resending: the organisation's admins"),
    ("organisation", "DELETE /organisations/{organisation_id}/invitations/{invitation_id}"): _rule(
        ADMIN_A, "cancelling: the organisation's admins (a spare invitation)", last="admin"
    ),
    ("organisation", "GET /invitations/{invitation_id}"): _rule(
        EVERYONE, "the e-mailed code is the proof (the test uses the real one)"
    ),
    ("organisation", "POST /invitations/{invitation_id}/accept"): _rule(
        SIGNED_IN, "the e-mailed code is the proof; joins the caller", last="student"
    ),
    ("organisation", "POST /organisations/{organisation_id}/learners/import-siecle"): _rule(
        ADMIN_A,
        "importing pupils: the school's admins (two at once: one is told to wait)",
        reached=("IMPORT_IN_PROGRESS",),
    ),
    ("organisation", "POST /organisations/{organisation_id}/learners/import-csv"): _rule(
        ADMIN_A,
        "importing students: admins of a SUP organisation (A is a school: 4xx)",
        reached=(409, 422),
    ),
    ("organisation", "GET /organisations/{organisation_id}/learners/import-template.csv"): _rule(
        ORG_A, "the import template: the organisation's members"
    ),
    ("organisation", "GET /organisations/{organisation_id}/learners"): _rule(
        ORG_A, "the pupils: the organisation's members"
    ),
    ("organisation", "POST /organisations/{organisation_id}/learners/reconcile"): _rule(
        SIGNED_IN, "linking one's own account to a pupil by their identity", last="student"
    ),
    ("organisation", "POST /organisations/{organisation_id}/learners/reconcile-auto"): _rule(
        SIGNED_IN,
        "linking one's own account by INE (none known here: a domain 4xx)",
        reached=("LEARNER_NOT_FOUND",),
    ),
    ("organisation", "GET /organisations/{organisation_id}/learners/me"): _rule(
        OWNER, "the pupil linked to the caller's account (only the owner has one in A)"
    ),
    ("organisation", "DELETE /learners/{learner_id}/personal-data"): _rule(
        PLATFORM, "erasing a pupil: platform only (a spare pupil)", last="platform"
    ),
    # ------------------------------------------------------------------ campaign
    **{("campaign", k): v for k, v in OPS.items()},
    ("campaign", "POST /organisations/{organisation_id}/campaigns"): _rule(
        ORG_A, "creating a campaign: the organisation's members"
    ),
    ("campaign", "GET /organisations/{organisation_id}/campaigns"): _rule(
        ORG_A, "the campaigns: the organisation's members"
    ),
    ("campaign", "DELETE /organisations/{organisation_id}/campaigns"): _rule(
        ADMIN_A, "deleting campaigns: admins or their owner (a spare campaign)", last="admin"
    ),
    ("campaign", "GET /campaigns/by-code/{code}"): _rule(
        SIGNED_IN, "a student entering a code sees what the campaign is"
    ),
    ("campaign", "GET /campaigns/{campaign_id}"): _rule(
        ORG_A, "a campaign's settings: its organisation's members"
    ),
    ("campaign", "PATCH /campaigns/{campaign_id}"): _rule(
        ADMIN_A, "editing: the organisation's admins or the campaign's owner (the admin)"
    ),
    ("campaign", "POST /campaigns/{campaign_id}/duplicate"): _rule(
        ORG_A, "duplicating: the organisation's members"
    ),
    ("campaign", "PUT /campaigns/{campaign_id}/archive"): _rule(
        ADMIN_A, "archiving: admins or the owner (a spare campaign)", last="admin"
    ),
    ("campaign", "DELETE /campaigns/{campaign_id}/archive"): _rule(
        ADMIN_A, "unarchiving: admins or the owner (the spare campaign, after)", last="admin"
    ),
    ("campaign", "GET /organisations/{organisation_id}/target-profiles"): _rule(
        ORG_A, "the profiles offered: the organisation's members"
    ),
    ("campaign", "GET /organisations/{organisation_id}/members"): _rule(
        ORG_A, "possible campaign owners: the organisation's members"
    ),
    ("campaign", "GET /admin/organisations/{organisation_id}/campaign-settings"): _rule(
        PLATFORM, "per-organisation campaign settings: platform only"
    ),
    ("campaign", "PUT /admin/organisations/{organisation_id}/campaign-settings"): _rule(
        PLATFORM, "per-organisation campaign settings: platform only"
    ),
    # ------------------------------------------------------------------ assessment
    **{("assessment", k): v for k, v in OPS.items()},
    **{
        ("assessment", f"GET /content{p}"): _rule(SIGNED_IN, "the public referential, signed in")
        for p in (
            "",
            "/areas",
            "/target-profiles",
            "/target-profiles/{profile_id}",
            "/challenges/{challenge_id}",
            "/tubes/{tube_name}/tutorials",
        )
    },
    ("assessment", "POST /participations"): _rule(
        SIGNED_IN, "joining with a code (B's open campaign), as oneself"
    ),
    ("assessment", "GET /campaigns/{campaign_id}/participation"): _rule(
        OWNER, "one's own participation: the others have none in A's campaign"
    ),
    ("assessment", "POST /campaigns/{campaign_id}/participation/answers"): _rule(
        OWNER, "answering one's own test (the owner has finished: 409)", reached=(409,)
    ),
    ("assessment", "GET /campaigns/{campaign_id}/participation/checkpoint"): _rule(
        OWNER, "one's own progress"
    ),
    ("assessment", "POST /campaigns/{campaign_id}/participation/share"): _rule(
        OWNER,
        "sending one's own results (run by the scenario, between the two checks)",
        last="owner",
    ),
    ("assessment", "POST /campaigns/{campaign_id}/participation/improve"): _rule(
        OWNER,
        "retrying one's own test (nothing to retry yet: a domain refusal)",
        reached=("NOTHING_TO_IMPROVE",),
    ),
    ("assessment", "GET /me/participations"): _rule(SIGNED_IN, "one's own participations"),
    ("assessment", "GET /me/profile"): _rule(SIGNED_IN, "one's own profile"),
    ("assessment", "GET /me/tutorials"): _rule(SIGNED_IN, "one's own tutorials"),
    ("assessment", "POST /me/competences/{competence}/reset"): _rule(
        SIGNED_IN,
        "resetting one's own competence (too early or nothing to reset: 4xx)",
        reached=("NOTHING_TO_RESET", "RESET_TOO_EARLY"),
    ),
    (
        "assessment",
        "GET /organisations/{organisation_id}/campaigns/{campaign_id}/participations",
    ): _rule(ORG_A, "statuses (results once sent): the organisation's members"),
    (
        "assessment",
        "DELETE /organisations/{organisation_id}/campaigns/{campaign_id}/participations"
        "/{participation_id}",
    ): _rule(
        ADMIN_A,
        "deleting a participation: admins or the campaign owner (a spare one)",
        last="admin",
    ),
    # ------------------------------------------------------------------ analytics
    **{("analytics", k): v for k, v in OPS.items()},
    **{
        ("analytics", f"GET /organisations/{{organisation_id}}{p}"): _rule(
            ORG_A, "a dashboard of the organisation: its members"
        )
        for p in (
            "/campaigns",
            "/campaigns/{campaign_id}/activity",
            "/campaigns/{campaign_id}/participants",
            "/campaigns/{campaign_id}/results",
            "/campaigns/{campaign_id}/results/participants",
            "/campaigns/{campaign_id}/analysis",
            "/campaigns/{campaign_id}/participations/{participation_id}",
            "/learners",
            "/learners/{learner_id}/participations",
            "/places",
            "/campaigns/{campaign_id}/export.csv",
            "/campaigns/{campaign_id}/live",
        )
    },
}

# ------------------------------------------------------------------ web (Pix Orga's pages)
# Out of OpenAPI: read from web's route table (web.entrypoints.http.ROUTERS), every route under
# /orga. A page checks the signed-in user's memberships from organisation's /me/organisations
# (web/entrypoints/routes/orga_common.py): a platform admin, a member of no organisation, is
# refused there as anywhere in Pix Orga's pages. A page's POST (CSRF-checked, each calling one
# of the API routes above) is checked for refusals only: the allowed callers are not run.
ORGA_PAGES = frozenset({"admin", "member"})
ADMIN_PAGES = frozenset({"admin"})

_PAGE = "a page of the organisation: its members"
_ADMIN_PAGE = "an admin's action in the organisation: its admins"
_FORM = "an admin's form (or the campaign owner's): refused to members, as its POST is"
WEB_POLICY: dict[str, Rule] = {
    "GET /orga": _rule(
        frozenset({"admin", "member", "other"}),
        "Pix Orga's entry page: redirects a member to their organisation (anyone else: 403)",
        reached=(303,),
    ),
    "GET /orga/cgu": _rule(SIGNED_IN, "the terms of use, for oneself"),
    "POST /orga/cgu": _rule(SIGNED_IN, "accepting the terms, for oneself"),
    "GET /orga/changer": _rule(
        SIGNED_IN, "switching between one's own organisations (a redirect)", reached=(303,)
    ),
    **{
        f"GET /orga/{{organisation_id}}{p}": _rule(ORGA_PAGES, _PAGE)
        for p in (
            "/campagnes",
            "/campagnes/nouvelle",
            "/campagnes/{campaign_id}/parametres",
            "/campagnes/{campaign_id}/activite",
            "/campagnes/{campaign_id}/resultats",
            "/campagnes/{campaign_id}/analyse",
            "/campagnes/{campaign_id}/participants/{participation_id}",
            "/campagnes/{campaign_id}/export.csv",
            "/campagnes/{campaign_id}/direct",
            "/campagnes/{campaign_id}/direct/flux",
            "/equipe",
            "/equipe/quitter",
            "/participants",
            "/participants/{learner_id}",
            "/places",
        )
    },
    "GET /orga/{organisation_id}/campagnes/{campaign_id}": _rule(
        ORGA_PAGES,
        "redirects a member to the activity tab (checked as its own page)",
        reached=(303,),
    ),
    "GET /orga/{organisation_id}/participants/modele-import.csv": _rule(
        ORGA_PAGES, "the import template, as the API gives it to members"
    ),
    # forms whose action is an admin's (edit or delete a campaign: also its owner, the admin
    # here): refused to a member as their action is (web/entrypoints/routes/orga_common.py)
    **{
        f"GET /orga/{{organisation_id}}{p}": _rule(ADMIN_PAGES, _FORM)
        for p in (
            "/campagnes/{campaign_id}/supprimer",
            "/campagnes/{campaign_id}/modifier",
            "/equipe/membres/{membership_id}/retirer",
            "/equipe/inviter",
            "/participants/import",
        )
    },
    **{
        f"POST /orga/{{organisation_id}}{p}": _rule(ORGA_PAGES, _PAGE + " (refusals only)")
        for p in (
            "/campagnes/nouvelle",
            "/campagnes/apercu",
            "/campagnes/{campaign_id}/dupliquer",
            "/equipe/quitter",
        )
    },
    **{
        f"POST /orga/{{organisation_id}}{p}": _rule(ADMIN_PAGES, _ADMIN_PAGE + " (refusals only)")
        for p in (
            "/campagnes/supprimer",
            "/campagnes/{campaign_id}/archiver",
            "/campagnes/{campaign_id}/desarchiver",
            "/campagnes/{campaign_id}/modifier",
            "/equipe/membres/{membership_id}/role",
            "/equipe/membres/{membership_id}/retirer",
            "/equipe/invitations/{invitation_id}/renvoyer",
            "/equipe/invitations/{invitation_id}/supprimer",
            "/equipe/inviter",
            "/participants/import",
        )
    },
}
