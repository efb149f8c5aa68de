"""Wiring of the identity service: the real adapters into a `Context`, key material, and the
`Lifecycle` that starts and stops them (indexes, the profile topic's producer and relays)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from identity.adapters.assertion_replay import AssertionReplayGuard
from identity.adapters.credentials import Credentials
from identity.adapters.idp import TrustedIdentityProviders
from identity.adapters.idp_simulator import IdpSimulator
from identity.adapters.keys import load_or_create_private, load_private, load_public
from identity.adapters.logins import LoginKeys
from identity.adapters.mail import IdentityMails
from identity.adapters.password_reset_demands import PasswordResetDemands
from identity.adapters.passwords import Argon2Passwords
from identity.adapters.profile_topic import ProfileTopic
from identity.adapters.profiles import Profiles
from identity.adapters.recovery_demands import RecoveryDemands
from identity.adapters.refresh_tokens import RefreshTokens
from identity.adapters.throttle import ThrottleStore
from identity.adapters.tokens import TokenSigner
from identity.adapters.users import Users
from identity.application.accounts import repair_drafts
from identity.application.context import Context
from identity.config import Settings
from identity.domain.lockout import LockPolicy
from orga_shared.mail import Mailer
from orga_shared.revocation import track_revocations
from orga_shared.runtime import ServiceRuntime


def build_signer(settings: Settings) -> TokenSigner:
    if settings.signing_key_file is not None:
        key = load_private(settings.signing_key_file)
    else:
        key = load_or_create_private(settings.generated_signing_key_path)
    previous = (
        [load_public(settings.previous_signing_key_file)]
        if settings.previous_signing_key_file is not None
        else []
    )
    return TokenSigner(
        key,
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl_seconds=settings.access_token_ttl_seconds,
        previous=previous,
    )


@dataclass
class Lifecycle:
    """The runtime (started and stopped by the app's lifespan), the real adapters of one
    identity process and the `Context` they form; `on_startup` adds indexes and relays."""

    runtime: ServiceRuntime
    settings: Settings
    context: Context
    logins: LoginKeys
    profiles: Profiles
    profile_topic: ProfileTopic
    refresh_tokens: RefreshTokens
    throttle: ThrottleStore
    passwords: Argon2Passwords
    password_resets: PasswordResetDemands
    idp_simulator: IdpSimulator | None = None

    @classmethod
    def build(cls, settings: Settings, *, mailer: Mailer | None = None) -> Lifecycle:
        runtime = ServiceRuntime(settings, topic=settings.events_topic)
        assert runtime.store is not None  # a runtime with a topic has a store
        track_revocations(runtime, topic=settings.events_topic)  # ADR 21: revoked tokens
        db = runtime.db
        logins, profiles, throttle = LoginKeys(db), Profiles(db), ThrottleStore(db)
        topic = ProfileTopic(profiles, settings.profiles_topic)
        refresh = RefreshTokens(db, ttl=timedelta(seconds=settings.refresh_token_ttl_seconds))
        resets = PasswordResetDemands(
            db, ttl=timedelta(seconds=settings.password_reset_ttl_seconds)
        )
        # Trusted before the providers are read, so the simulator's first assertion passes.
        simulator = (
            IdpSimulator.from_files(
                settings.idp_simulator_key_file,
                settings.trusted_idp_keys_file,
                audience=settings.sso_audience,
            )
            if settings.idp_simulator_enabled
            else None
        )
        passwords = Argon2Passwords(
            time_cost=settings.argon2_time_cost,
            memory_cost_kib=settings.argon2_memory_cost_kib,
            parallelism=settings.argon2_parallelism,
            workers=settings.hash_workers,
        )
        context = Context(
            users=Users(runtime.store),
            logins=logins,
            credentials=Credentials(db),
            profiles=profiles,
            publisher=topic,
            throttle=throttle,
            refresh_tokens=refresh,
            recovery_demands=RecoveryDemands(
                db, ttl=timedelta(seconds=settings.recovery_ttl_seconds)
            ),
            password_resets=resets,
            replay_guard=AssertionReplayGuard(db),
            passwords=passwords,
            signer=build_signer(settings),
            idps=TrustedIdentityProviders(
                settings.trusted_idp_keys_file,
                audience=settings.sso_audience,
                max_lifetime_seconds=settings.sso_max_assertion_lifetime_seconds,
            ),
            mails=IdentityMails(mailer or Mailer(), settings.web_base_url),
            lock_policy=LockPolicy(
                threshold=settings.lock_threshold,
                base_duration=timedelta(seconds=settings.lock_base_seconds),
                max_duration=timedelta(seconds=settings.lock_max_seconds),
            ),
            recovery_ttl=timedelta(seconds=settings.recovery_ttl_seconds),
            password_reset_ttl=timedelta(seconds=settings.password_reset_ttl_seconds),
            password_reset_max_pending=settings.password_reset_max_pending,
        )
        return cls(
            runtime,
            settings,
            context,
            logins,
            profiles,
            topic,
            refresh,
            throttle,
            passwords,
            resets,
            simulator,
        )

    async def on_startup(self, runtime: ServiceRuntime) -> None:
        for adapter in (
            self.logins,
            self.profiles,
            self.profile_topic,
            self.refresh_tokens,
            self.throttle,
            self.password_resets,
        ):
            await adapter.ensure_indexes()
        self.profile_topic.bind(runtime.producer)
        grace = timedelta(seconds=self.settings.outbox_relay_grace_seconds)
        runtime.run_periodically(
            "profile_relay",
            lambda: self.profile_topic.relay_once(grace),
            self.settings.profile_relay_interval_seconds,
        )
        runtime.run_periodically("draft_repair", lambda: repair_drafts(self.context), 60.0)

    async def on_shutdown(self, runtime: ServiceRuntime) -> None:
        self.passwords.close()
