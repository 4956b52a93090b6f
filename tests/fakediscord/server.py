"""The fake Discord server: REST API under ``/api/v10`` and the gateway at ``/gateway``.

See ``tests/fakediscord/README.md`` for the public API and an example.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yarl
from aiohttp import web
from discord.gateway import DiscordWebSocket
from discord.http import Route

from . import payloads as P  # noqa: N812 - short alias for the payload builders
from .constants import (
    APP_ID,
    BOT_USER_ID,
    BOT_USER_NAME,
    DM_CHANNEL_ID,
    FAKE_TOKEN,
    GUILD_ID,
    MESSAGE_CONTENT_INTENT,
    USER_ID,
)
from .gateway import GatewaySession
from .openapi_check import SpecValidator, check_request
from .payloads import JSON, FakeGuild, FakeUser

API_PREFIX = "/api/v10"
GUILD_MEMBERS_INTENT = 1 << 1
GUILD_MESSAGES_INTENT = 1 << 9
DIRECT_MESSAGES_INTENT = 1 << 12
EPHEMERAL = 1 << 6
LOADING = 1 << 7

Handler = Callable[["RecordedRequest", re.Match[str]], Awaitable[web.StreamResponse]]


# =========================================================================================
# Records
# =========================================================================================


@dataclass
class RecordedRequest:
    """One REST request the client made, as the fake saw it."""

    index: int
    method: str
    path: str  # relative to /api/v10, e.g. "/channels/1/messages"
    query: dict[str, str]
    json: Any  # JSON body, or the parsed ``payload_json`` of a multipart body
    files: list[tuple[str, str | None, int]]  # (form field, filename, size in bytes)
    headers: dict[str, str]  # minus Authorization
    received_at: float  # time.perf_counter() at arrival
    content_type: str = "application/json"
    status: int = 0
    response: Any = None
    violations: list[str] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"<RecordedRequest #{self.index} {self.method} {self.path} -> {self.status}>"


@dataclass
class SentInteraction:
    """An INTERACTION_CREATE the fake dispatched."""

    id: int
    token: str
    payload: JSON
    dispatched_at: float  # time.perf_counter() just before the frame was sent
    shard_id: int

    @property
    def type(self) -> int:
        """The interaction type (2 command, 3 component, 4 autocomplete, 5 modal submit)."""
        return int(self.payload["type"])


@dataclass
class _InteractionState:
    sent: SentInteraction
    callback: RecordedRequest | None = None
    callback_type: int | None = None
    original_id: int | None = None  # id of the @original message (if any)
    component_message_id: int | None = None  # message a component interaction came from
    done: asyncio.Event = field(default_factory=asyncio.Event)


class FakeDiscordError(RuntimeError):
    """Misuse of the fake (e.g. dispatching to a shard that is not connected)."""


def _error(status: int, message: str, code: int = 0) -> web.Response:
    return _json_response({"message": message, "code": code}, status=status)


def _json_response(data: Any, status: int = 200) -> web.Response:
    # discord.py only parses JSON when Content-Type is exactly "application/json".
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={"Content-Type": "application/json"},
    )


def _truthy(value: str | None) -> bool:
    return value is not None and value.lower() in ("1", "true")


# =========================================================================================
# The fake
# =========================================================================================


class FakeDiscord:
    """A local fake of Discord's REST API and gateway for the real discord.py client."""

    def __init__(
        self,
        *,
        token: str = FAKE_TOKEN,
        application_id: int = APP_ID,
        bot_id: int = BOT_USER_ID,
        bot_name: str = BOT_USER_NAME,
        guilds: Sequence[FakeGuild] | None = None,
        users: Sequence[FakeUser] | None = None,
        shards: int = 1,
        heartbeat_interval_ms: float = 41250.0,
        spec_path: str | bool | None = True,
        callback_deadline: float | None = 3.0,
        echo_bot_messages: bool = True,
        host: str = "127.0.0.1",
    ) -> None:
        """Configure the fake world (nothing listens until :meth:`start`).

        ``spec_path``: ``True`` (default) uses ``$DISCORD_OPENAPI_SPEC`` if set; a path uses
        that file; ``None``/``False`` disables the OpenAPI check (limits and ping safety
        always run). ``callback_deadline``: seconds after dispatch within which Discord
        accepts the initial interaction callback (``None`` = no deadline).
        ``echo_bot_messages``: like Discord, dispatch MESSAGE_CREATE / MESSAGE_UPDATE /
        MESSAGE_DELETE for the (non-ephemeral) messages the bot itself creates/edits/deletes.
        """
        self.token = token
        #: The token the gateway accepts, when it differs from REST's (a token reset mid-run).
        self.gateway_token: str | None = None
        self.application_id = application_id
        self.bot_id = bot_id
        self.bot_name = bot_name
        self.application_flags = (1 << 19) | (1 << 23)
        self.shards = shards
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.callback_deadline = callback_deadline
        self.echo_bot_messages = echo_bot_messages
        self.host = host
        if spec_path is True:
            self.validator = SpecValidator.from_env()
        elif isinstance(spec_path, str) and spec_path:
            self.validator = SpecValidator.load(spec_path)
        else:
            self.validator = None

        self.bot = FakeUser(bot_id, bot_name, bot=True)
        self.guilds: dict[int, FakeGuild] = {
            g.id: g for g in (guilds if guilds is not None else [P.default_guild()])
        }
        self.users: dict[int, FakeUser] = {bot_id: self.bot}
        #: Guild permissions per user id, for interactions; everyone else has them all.
        self.member_permissions: dict[int, int] = {}
        for guild in self.guilds.values():
            for member in guild.members:
                self.users.setdefault(member.id, member)
        for user in users or P.default_users():
            self.users.setdefault(user.id, user)
        self.channels: dict[int, JSON] = {}
        self.channel_guild: dict[int, int | None] = {}
        for guild in self.guilds.values():
            for channel in guild.channels:
                self.channels[channel.id] = P.channel_payload(channel, guild.id)
                self.channel_guild[channel.id] = guild.id
        self.dm_channels: dict[int, int] = {}  # user id -> DM channel id

        # --- records -------------------------------------------------------------------
        self.requests: list[RecordedRequest] = []
        self.unhandled: list[RecordedRequest] = []
        self.violations: list[str] = []
        self.identifies: list[JSON] = []
        self.resumes: list[JSON] = []
        self.presence_updates: list[Any] = []
        self.gateway_events: list[tuple[int, str, Any]] = []
        self.gateway_received: list[tuple[int, Any]] = []
        self.messages: dict[int, JSON] = {}
        self._bot_messages: dict[int, list[int]] = {}
        self._commands: dict[int | None, list[JSON]] = {}
        self._interactions: dict[int, _InteractionState] = {}
        self._by_token: dict[str, int] = {}
        self._sessions: dict[int, GatewaySession] = {}
        self._all_sessions: list[GatewaySession] = []
        self._cond: asyncio.Condition | None = None

        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self.port = 0
        self._routes: list[tuple[str, re.Pattern[str], Handler, bool]] = []
        self._install_routes()

    # =====================================================================================
    # Lifecycle
    # =====================================================================================
    async def start(self) -> FakeDiscord:
        """Start listening on ``host``:ephemeral port. Returns ``self``."""
        self._cond = asyncio.Condition()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("GET", "/gateway", self._gateway_handler)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest_handler)
        self._runner = web.AppRunner(
            app, access_log=None, handle_signals=False, shutdown_timeout=1.0
        )
        await self._runner.setup()
        self._site = web.TCPSite(self._runner, self.host, 0)
        await self._site.start()
        server = self._site._server
        assert server is not None
        sockets = getattr(server, "sockets", None) or []
        self.port = int(sockets[0].getsockname()[1])
        return self

    async def close(self) -> None:
        """Close every gateway connection and stop the server."""
        for session in list(self._all_sessions):
            with contextlib.suppress(Exception):
                await session.close(1001, "fakediscord shutting down")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://{self.host}:{self.port}"

    @property
    def api_base(self) -> str:
        """The value for ``discord.http.Route.BASE``."""
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        """The gateway websocket URL (without query)."""
        return f"ws://{self.host}:{self.port}/gateway"

    @contextlib.contextmanager
    def patched(self) -> Iterator[FakeDiscord]:
        """Point discord.py's REST base and default gateway at this fake; restore on exit."""
        old_base = Route.BASE
        old_gateway = DiscordWebSocket.DEFAULT_GATEWAY
        Route.BASE = self.api_base
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        try:
            yield self
        finally:
            Route.BASE = old_base
            DiscordWebSocket.DEFAULT_GATEWAY = old_gateway

    # =====================================================================================
    # World helpers
    # =====================================================================================
    def bot_user(self) -> JSON:
        """The bot's user object (as ``GET /users/@me`` returns it)."""
        return P.bot_user_payload(self.bot_id, self.bot_name)

    def user(self, user_id: int) -> JSON:
        """The user object of a known user (unknown ids get a generated name)."""
        known = self.users.get(user_id)
        if known is None:
            known = FakeUser(user_id, f"user{user_id % 10000}")
            self.users[user_id] = known
        return known.payload()

    def member_payloads(self, guild_id: int) -> list[JSON]:
        """Member objects (with user) of a guild, the bot included."""
        guild = self.guilds[guild_id]
        users = [self.bot, *[m for m in guild.members if m.id != self.bot_id]]
        return [P.member_payload(u.payload()) for u in users]

    def guild_create(self, guild_id: int, intents: int | None = None) -> JSON:
        """The GUILD_CREATE payload of a configured guild.

        As on Discord, without the GUILD_MEMBERS intent (``1 << 1``) only the bot's own
        member is included (``member_count`` stays the real count)."""
        guild = self.guilds[guild_id]
        members = self.member_payloads(guild_id)
        data = P.guild_create_payload(guild, members)
        if intents is not None and not intents & GUILD_MEMBERS_INTENT:
            data["members"] = [m for m in members if m["user"]["id"] == str(self.bot_id)]
        return data

    def dm_channel_id(self, user_id: int) -> int:
        """The DM channel between ``user_id`` and the bot (created on first use)."""
        channel_id = self.dm_channels.get(user_id)
        if channel_id is None:
            channel_id = DM_CHANNEL_ID if user_id == USER_ID else P.snowflake()
            self.dm_channels[user_id] = channel_id
            self.channels[channel_id] = P.dm_channel_payload(channel_id, self.user(user_id))
            self.channel_guild[channel_id] = None
        return channel_id

    def shard_for_guild(self, guild_id: int | None) -> int:
        """The shard id a guild's events go to (DMs go to shard 0)."""
        if guild_id is None:
            return 0
        count = self._shard_count()
        return (guild_id >> 22) % count

    def _shard_count(self) -> int:
        for session in self._sessions.values():
            return session.shard_count
        return self.shards

    # =====================================================================================
    # Violations & waiting
    # =====================================================================================
    def add_violation(self, problem: str) -> None:
        """Record a violation (fails the test at fixture teardown)."""
        self.violations.append(problem)

    def take_violations(self) -> list[str]:
        """Return and clear the recorded violations (for tests that expect some)."""
        taken = list(self.violations)
        self.violations.clear()
        return taken

    async def _notify(self) -> None:
        if self._cond is not None:
            async with self._cond:
                self._cond.notify_all()

    async def _wait_until(self, predicate: Callable[[], Any], timeout: float, what: str) -> Any:
        if self._cond is None:
            raise FakeDiscordError("FakeDiscord.start() was not called")
        cond = self._cond
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"fakediscord: timed out after {timeout}s waiting for {what}")
            # Woken by every request / gateway change; the short poll also catches changes
            # made by the client itself (e.g. its caches).
            async with cond:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(cond.wait(), min(remaining, 0.05))

    async def wait_until(
        self, predicate: Callable[[], Any], *, timeout: float = 5.0, what: str = "a condition"
    ) -> Any:
        """Wait until ``predicate()`` is truthy (re-checked on every request, gateway change
        and every 50 ms) and return its value; ``TimeoutError`` after ``timeout`` seconds."""
        return await self._wait_until(predicate, timeout, what)

    def mark(self) -> int:
        """The number of requests recorded so far (pass it as ``since=`` to wait_for)."""
        return len(self.requests)

    async def wait_for(
        self,
        method: str,
        path_regex: str,
        *,
        timeout: float = 5.0,
        predicate: Callable[[RecordedRequest], bool] | None = None,
        since: int = 0,
    ) -> RecordedRequest:
        """The first request (index >= ``since``) with ``method`` whose path fullmatches
        ``path_regex`` (and satisfies ``predicate``); waits up to ``timeout`` seconds."""
        pattern = re.compile(path_regex)
        method = method.upper()

        def find() -> RecordedRequest | None:
            for req in self.requests[since:]:
                if req.status == 0:
                    continue  # still being handled
                if (
                    req.method == method
                    and pattern.fullmatch(req.path)
                    and (predicate is None or predicate(req))
                ):
                    return req
            return None

        result: RecordedRequest = await self._wait_until(find, timeout, f"{method} {path_regex}")
        return result

    async def interaction_reply(self, interaction_id: int, timeout: float = 5.0) -> JSON:
        """The body of the interaction's callback (``POST /interactions/{id}/{token}/callback``)."""
        state = self._interactions.get(int(interaction_id))
        if state is None:
            raise FakeDiscordError(f"unknown interaction {interaction_id}")

        def find() -> RecordedRequest | None:
            return state.callback if state.callback is not None and state.callback.status else None

        req: RecordedRequest = await self._wait_until(
            find, timeout, f"the callback of interaction {interaction_id}"
        )
        body: JSON = req.json
        return body

    def callback_request(self, interaction_id: int) -> RecordedRequest | None:
        """The recorded callback request of an interaction, if it arrived."""
        state = self._interactions.get(int(interaction_id))
        return None if state is None else state.callback

    def interaction_latency(self, interaction_id: int) -> float | None:
        """Seconds from INTERACTION_CREATE dispatch to the callback's arrival (or None)."""
        state = self._interactions.get(int(interaction_id))
        if state is None or state.callback is None:
            return None
        return state.callback.received_at - state.sent.dispatched_at

    def webhook_requests(self, token: str) -> list[RecordedRequest]:
        """Followups / @original edits / deletes made with an interaction token, in order."""
        prefix = re.compile(rf"^/webhooks/\d+/{re.escape(token)}(/|$)")
        return [r for r in self.requests if prefix.match(r.path)]

    async def wait_for_followup(
        self, token: str, *, timeout: float = 5.0, since: int = 0, method: str | None = None
    ) -> RecordedRequest:
        """The first webhook request (followup POST, PATCH/DELETE of a message) made with an
        interaction token, at index >= ``since``; waits up to ``timeout``."""
        prefix = re.compile(rf"^/webhooks/\d+/{re.escape(token)}(/messages/[^/]+)?$")

        def find() -> RecordedRequest | None:
            for req in self.requests[since:]:
                if (
                    req.status
                    and prefix.match(req.path)
                    and req.method != "GET"
                    and (method is None or req.method == method.upper())
                ):
                    return req
            return None

        result: RecordedRequest = await self._wait_until(
            find, timeout, f"a followup/edit for token {token[:12]}..."
        )
        return result

    def original_response(self, token: str) -> JSON | None:
        """The current ``@original`` message of an interaction (after edits), if any."""
        interaction_id = self._by_token.get(token)
        if interaction_id is None:
            return None
        state = self._interactions[interaction_id]
        if state.original_id is None:
            return None
        return self.messages.get(state.original_id)

    def channel_messages(self, channel_id: int) -> list[JSON]:
        """Messages the bot created in ``channel_id`` (channel sends and interaction
        responses), in order, reflecting later edits; deleted ones are omitted."""
        return [
            self.messages[i] for i in self._bot_messages.get(channel_id, []) if i in self.messages
        ]

    def commands(self, guild_id: int | None = None) -> list[JSON]:
        """The registered global (``guild_id=None``) or guild application commands."""
        return copy.deepcopy(self._commands.get(guild_id, []))

    @property
    def intents(self) -> int | None:
        """The intents of the latest IDENTIFY (None before any)."""
        return self.identifies[-1].get("intents") if self.identifies else None

    @property
    def connected_shards(self) -> set[int]:
        """Shard ids with a ready, open gateway session."""
        return {sid for sid, s in self._sessions.items() if s.ready and not s.ws.closed}

    async def wait_until_connected(
        self, shard_count: int | None = None, timeout: float = 5.0
    ) -> None:
        """Wait until every shard (``0..shard_count-1``; default: the count the client
        identified with) has IDENTIFYed and got READY + its GUILD_CREATEs."""

        def done() -> bool:
            if not self._sessions:
                return False
            count = shard_count or self._shard_count()
            return set(range(count)) <= self.connected_shards

        await self._wait_until(done, timeout, "all shards to connect")

    # =====================================================================================
    # Gateway
    # =====================================================================================
    async def _gateway_handler(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=16 * 1024 * 1024)
        await ws.prepare(request)
        session = GatewaySession(self, ws, dict(request.query))
        self._all_sessions.append(session)
        try:
            await session.run()
        finally:
            if self._sessions.get(session.shard_id) is session:
                del self._sessions[session.shard_id]
            await self._notify()
        return ws

    def find_session(self, session_id: str) -> GatewaySession | None:
        """A previous gateway session by its session id (for RESUME)."""
        for session in reversed(self._all_sessions):
            if session.session_id == session_id and session.identified:
                return session
        return None

    async def session_ready(self, session: GatewaySession) -> None:
        """Called by a session after READY/RESUMED: make it the shard's live session."""
        self._sessions[session.shard_id] = session
        await self._notify()

    def session(self, shard_id: int) -> GatewaySession:
        """The live gateway session of a shard (raises if that shard is not connected)."""
        session = self._sessions.get(shard_id)
        if session is None or session.ws.closed:
            raise FakeDiscordError(
                f"shard {shard_id} is not connected (connected: {sorted(self.connected_shards)})"
            )
        return session

    async def dispatch(self, event: str, data: JSON, shard_id: int | None = None) -> int:
        """Send a raw DISPATCH event to a shard (default: the shard of ``data['guild_id']``,
        or shard 0). Returns the sequence number."""
        if shard_id is None:
            gid = data.get("guild_id")
            shard_id = self.shard_for_guild(int(gid) if gid is not None else None)
        return await self.session(shard_id).dispatch(event, data)

    # =====================================================================================
    # Drivers: messages
    # =====================================================================================
    def _mention_payload(self, user_id: int, guild_id: int | None) -> JSON:
        data = self.user(user_id)
        if guild_id is not None:
            data = {**data, "member": P.member_payload(data, with_user=False)}
        return data

    async def send_message(
        self,
        content: str,
        *,
        channel_id: int | None = None,
        guild_id: int | None = GUILD_ID,
        author_id: int = USER_ID,
        dm: bool = False,
        mention_bot: bool = False,
        mentions: Sequence[int] = (),
        reply_to: JSON | int | None = None,
        embeds: list[JSON] | None = None,
        attachments: list[JSON] | None = None,
    ) -> JSON:
        """Dispatch MESSAGE_CREATE for a message a user sends (guild message by default).

        ``dm=True`` sends it in the author's DM channel with the bot. ``mention_bot=True``
        prepends ``<@BOT_ID>`` unless the content already mentions the bot; ``<@id>`` tokens
        in ``content`` become mentions automatically. ``reply_to`` (a message dict or id the
        fake knows) makes it a reply (type 19) with ``referenced_message``. Returns the full
        message (before MESSAGE_CONTENT blanking); it is also stored in :attr:`messages`.
        """
        if dm:
            guild_id = None
            channel_id = self.dm_channel_id(author_id)
        elif channel_id is None:
            if guild_id is None:
                raise FakeDiscordError("a guild message needs guild_id (or pass dm=True)")
            channel_id = self.guilds[guild_id].channels[0].id
        elif guild_id is not None and self.channel_guild.get(channel_id) != guild_id:
            guild_id = self.channel_guild.get(channel_id)
        bot_token = f"<@{self.bot_id}>"
        if mention_bot and bot_token not in content and f"<@!{self.bot_id}>" not in content:
            content = f"{bot_token} {content}"
        mentioned: list[int] = []
        for uid in [*re.findall(r"<@!?(\d+)>", content), *mentions]:
            if int(uid) not in mentioned:
                mentioned.append(int(uid))
        referenced: JSON | None = None
        if reply_to is not None:
            ref_id = int(reply_to["id"]) if isinstance(reply_to, Mapping) else int(reply_to)
            referenced = self.messages.get(ref_id)
            if referenced is None and isinstance(reply_to, Mapping):
                referenced = dict(reply_to)
            if referenced is None:
                raise FakeDiscordError(f"reply_to: unknown message {ref_id}")
        author = self.user(author_id)
        message: JSON = {
            "id": str(P.snowflake()),
            "type": 19 if referenced is not None else 0,
            "channel_id": str(channel_id),
            "author": author,
            "content": content,
            "timestamp": P.now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": "@everyone" in content or "@here" in content,
            "mentions": [self._mention_payload(uid, guild_id) for uid in mentioned],
            "mention_roles": [],
            "attachments": attachments or [],
            "embeds": embeds or [],
            "pinned": False,
            "flags": 0,
            "components": [],
            "nonce": str(P.snowflake()),
        }
        if guild_id is not None:
            message["guild_id"] = str(guild_id)
            message["member"] = P.member_payload(author, with_user=False)
        if referenced is not None:
            message["message_reference"] = {
                "type": 0,
                "message_id": referenced["id"],
                "channel_id": referenced.get("channel_id", str(channel_id)),
                **({"guild_id": str(guild_id)} if guild_id is not None else {}),
            }
            message["referenced_message"] = referenced
        self.messages[int(message["id"])] = message
        shard = self.session(self.shard_for_guild(guild_id))
        if self._receives(shard, guild_id):
            data = self._apply_content_intent(message, shard.intents)
            await shard.dispatch("MESSAGE_CREATE", data)
        return message

    @staticmethod
    def _receives(shard: GatewaySession, guild_id: int | None) -> bool:
        """Whether the shard's intents subscribe to message events of a guild / DMs."""
        needed = GUILD_MESSAGES_INTENT if guild_id is not None else DIRECT_MESSAGES_INTENT
        return shard.intents is None or bool(shard.intents & needed)

    async def _broadcast(self, event: str, message: JSON) -> None:
        """Echo an event about one of the bot's messages to the shard that sees it."""
        if not self.echo_bot_messages or message.get("flags", 0) & EPHEMERAL:
            return
        gid = message.get("guild_id")
        guild_id = int(gid) if gid is not None else None
        session = self._sessions.get(self.shard_for_guild(guild_id))
        if session is None or session.ws.closed or not self._receives(session, guild_id):
            return
        if event == "MESSAGE_DELETE":
            data: JSON = {"id": message["id"], "channel_id": message["channel_id"]}
            if gid is not None:
                data["guild_id"] = gid
        else:
            data = self._apply_content_intent(message, session.intents)
        with contextlib.suppress(ConnectionResetError, RuntimeError):
            await session.dispatch(event, data)

    async def send_reconnect(self, shard_id: int = 0) -> None:
        """Send op 7 RECONNECT: the client should reconnect and RESUME (see ``resumes``)."""
        await self.session(shard_id).send_json({"op": 7, "d": None})

    async def invalidate_session(self, shard_id: int = 0, *, resumable: bool = False) -> None:
        """Send op 9 INVALID_SESSION: the client must re-IDENTIFY (or RESUME if resumable)."""
        await self.session(shard_id).send_json({"op": 9, "d": resumable})

    def _keeps_content(self, message: Mapping[str, Any]) -> bool:
        """Discord's exceptions to MESSAGE_CONTENT blanking."""
        if message.get("guild_id") is None:
            return True  # DM
        author = message.get("author") or {}
        if str(author.get("id")) == str(self.bot_id):
            return True  # the bot's own message
        if any(str(m.get("id")) == str(self.bot_id) for m in message.get("mentions") or []):
            return True
        referenced = message.get("referenced_message")
        if isinstance(referenced, Mapping):
            ref_author = referenced.get("author") or {}
            if str(ref_author.get("id")) == str(self.bot_id):
                return True
        return False

    def _apply_content_intent(self, message: JSON, intents: int | None) -> JSON:
        """Blank content fields as Discord does for clients without MESSAGE_CONTENT."""
        if intents is not None and intents & MESSAGE_CONTENT_INTENT:
            return message
        out = dict(message)
        if not self._keeps_content(message):
            out.update({"content": "", "embeds": [], "attachments": [], "components": []})
            out.pop("poll", None)
        referenced = message.get("referenced_message")
        if isinstance(referenced, dict):
            out["referenced_message"] = self._apply_content_intent(referenced, intents)
        return out

    # =====================================================================================
    # Drivers: interactions
    # =====================================================================================
    def _find_command(self, name: str, ctype: int, guild_id: int | None) -> JSON | None:
        pools = ([self._commands.get(guild_id, [])] if guild_id is not None else []) + [
            self._commands.get(None, [])
        ]
        for pool in pools:
            for command in pool:
                if command["name"] == name and command.get("type", 1) == ctype:
                    return command
        return None

    @staticmethod
    def _infer_type(value: Any) -> int:
        if isinstance(value, bool):
            return 5
        if isinstance(value, int):
            return 4
        if isinstance(value, float):
            return 10
        return 3

    def _build_options(
        self,
        command: JSON | None,
        options: Mapping[str, Any] | Sequence[JSON] | None,
        subcommand: str | None,
        subcommand_group: str | None,
        guild_id: int | None,
        focused: str | None = None,
        focused_value: str = "",
    ) -> tuple[list[JSON], JSON]:
        """Build ``data.options`` (nested for subcommands) and ``data.resolved``."""
        resolved: JSON = {}
        defs: list[JSON] = list((command or {}).get("options") or [])
        if subcommand_group is not None:
            group = next((o for o in defs if o.get("name") == subcommand_group), {})
            defs = list(group.get("options") or [])
        if subcommand is not None:
            sub = next((o for o in defs if o.get("name") == subcommand), {})
            defs = list(sub.get("options") or [])
        def_by_name = {o.get("name"): o for o in defs}

        leaf: list[JSON]
        if options is None:
            leaf = []
        elif isinstance(options, Mapping):
            leaf = []
            for name, value in options.items():
                odef = def_by_name.get(name, {})
                otype = int(odef.get("type") or self._infer_type(value))
                leaf.append({"name": name, "type": otype, "value": value})
        else:
            leaf = [dict(o) for o in options]
        if focused is not None:
            found = next((o for o in leaf if o["name"] == focused), None)
            if found is None:
                odef = def_by_name.get(focused, {})
                found = {"name": focused, "type": int(odef.get("type") or 3)}
                leaf.append(found)
            found["value"] = focused_value
            found["focused"] = True
        for option in leaf:
            kind = option.get("type")
            value = option.get("value")
            if kind in (6, 9) and value is not None and not option.get("focused"):
                uid = int(str(value))
                option["value"] = str(uid)
                user = self.user(uid)
                resolved.setdefault("users", {})[str(uid)] = user
                if guild_id is not None:
                    resolved.setdefault("members", {})[str(uid)] = P.member_payload(
                        user, with_user=False, permissions=P.ALL_PERMISSIONS
                    )
            elif kind == 7 and value is not None:
                cid = int(str(value))
                option["value"] = str(cid)
                channel = self.channels.get(cid)
                if channel is not None:
                    resolved.setdefault("channels", {})[str(cid)] = {
                        "id": str(cid),
                        "name": channel.get("name"),
                        "type": channel["type"],
                        "permissions": P.ALL_PERMISSIONS,
                        **({"guild_id": channel["guild_id"]} if "guild_id" in channel else {}),
                    }
        result: list[JSON] = leaf
        if subcommand is not None:
            result = [{"name": subcommand, "type": 1, "options": leaf}]
        if subcommand_group is not None:
            result = [{"name": subcommand_group, "type": 2, "options": result}]
        return result, resolved

    def _permissions_of(self, user_id: int) -> str:
        granted = self.member_permissions.get(user_id)
        return P.ALL_PERMISSIONS if granted is None else str(granted)

    def _interaction_envelope(
        self,
        itype: int,
        data: JSON | None,
        *,
        user_id: int,
        guild_id: int | None,
        channel_id: int | None,
        dm: bool,
        locale: str,
        message: JSON | None = None,
    ) -> JSON:
        if dm:
            guild_id = None
        interaction_id = P.snowflake()
        token = "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(48)
        user = self.user(user_id)
        payload: JSON = {
            "id": str(interaction_id),
            "application_id": str(self.application_id),
            "type": itype,
            "token": token,
            "version": 1,
            "locale": locale,
            "app_permissions": P.BOT_APP_PERMISSIONS,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": P.ATTACHMENT_SIZE_LIMIT,
        }
        if data is not None:
            payload["data"] = data
        if guild_id is not None:
            if guild_id not in self.guilds:
                raise FakeDiscordError(f"unknown guild {guild_id}")
            guild = self.guilds[guild_id]
            if channel_id is None:
                channel_id = guild.channels[0].id
            channel = self.channels.get(channel_id)
            if channel is None:
                raise FakeDiscordError(f"unknown channel {channel_id}")
            payload.update(
                {
                    "guild_id": str(guild_id),
                    "guild": {"id": str(guild_id), "locale": "en-US", "features": []},
                    "guild_locale": "en-US",
                    "channel_id": str(channel_id),
                    "channel": {**channel, "permissions": self._permissions_of(user_id)},
                    "member": P.member_payload(user, permissions=self._permissions_of(user_id)),
                    "authorizing_integration_owners": {"0": str(guild_id)},
                    "context": 0,
                }
            )
        else:
            dm_id = self.dm_channel_id(user_id) if channel_id is None or dm else channel_id
            payload.update(
                {
                    "channel_id": str(dm_id),
                    "channel": self.channels[dm_id],
                    "user": user,
                    "authorizing_integration_owners": {"0": "0"},
                    "context": 1,
                }
            )
        if message is not None:
            payload["message"] = message
        return payload

    async def _dispatch_interaction(
        self, payload: JSON, *, component_of: int | None = None
    ) -> SentInteraction:
        gid = payload.get("guild_id")
        shard = self.session(self.shard_for_guild(int(gid) if gid is not None else None))
        sent = SentInteraction(
            id=int(payload["id"]),
            token=str(payload["token"]),
            payload=payload,
            dispatched_at=0.0,
            shard_id=shard.shard_id,
        )
        state = _InteractionState(sent=sent, component_message_id=component_of)
        self._interactions[sent.id] = state
        self._by_token[sent.token] = sent.id
        sent.dispatched_at = time.perf_counter()
        await shard.dispatch("INTERACTION_CREATE", payload)
        return sent

    @staticmethod
    def _command_data(
        command: JSON | None, name: str, data_type: int, command_id: int | None = None, **extra: Any
    ) -> JSON:
        """``data`` of an application-command interaction: the synced command's id (or a
        fresh one), its name and type, ``extra`` fields, and its guild if guild-scoped."""
        data: JSON = {
            "id": str(command_id or (command or {}).get("id") or P.snowflake()),
            "name": name,
            "type": data_type,
            **extra,
        }
        if command is not None and command.get("guild_id"):
            data["guild_id"] = command["guild_id"]
        return data

    def _where(
        self, msg: JSON, channel_id: int | None, guild_id: int | None, dm: bool
    ) -> tuple[int | None, int | None, bool]:
        """Channel, guild and DM-ness of an interaction on ``msg``: the message's own,
        unless the caller named a channel."""
        if channel_id is None and msg.get("channel_id"):
            channel_id = int(msg["channel_id"])
            guild_id = self.channel_guild.get(channel_id, guild_id)
            dm = dm or guild_id is None
        return channel_id, guild_id, dm

    async def send_slash_command(
        self,
        name: str,
        options: Mapping[str, Any] | Sequence[JSON] | None = None,
        *,
        subcommand: str | None = None,
        subcommand_group: str | None = None,
        user_id: int = USER_ID,
        guild_id: int | None = GUILD_ID,
        channel_id: int | None = None,
        dm: bool = False,
        locale: str = "en-US",
        command_id: int | None = None,
    ) -> SentInteraction:
        """Dispatch an INTERACTION_CREATE for a slash command (type 2, data.type 1).

        ``options``: ``{name: value}`` (types come from the synced command definition, else
        are inferred: str 3, int 4, bool 5, float 10; user options get ``resolved``) or a
        raw list of option dicts.
        """
        scope = None if dm else guild_id
        command = self._find_command(name, 1, scope)
        opts, resolved = self._build_options(command, options, subcommand, subcommand_group, scope)
        data = self._command_data(command, name, 1, command_id, options=opts)
        if resolved:
            data["resolved"] = resolved
        payload = self._interaction_envelope(
            2, data, user_id=user_id, guild_id=guild_id, channel_id=channel_id, dm=dm, locale=locale
        )
        return await self._dispatch_interaction(payload)

    async def send_autocomplete(
        self,
        name: str,
        focused: str,
        value: str,
        options: Mapping[str, Any] | None = None,
        *,
        subcommand: str | None = None,
        subcommand_group: str | None = None,
        user_id: int = USER_ID,
        guild_id: int | None = GUILD_ID,
        channel_id: int | None = None,
        dm: bool = False,
        locale: str = "en-US",
    ) -> SentInteraction:
        """Dispatch an autocomplete interaction (type 4) with option ``focused`` being typed
        as ``value``; ``options`` are the other, already filled options."""
        scope = None if dm else guild_id
        command = self._find_command(name, 1, scope)
        opts, _resolved = self._build_options(
            command, options, subcommand, subcommand_group, scope, focused, value
        )
        data = self._command_data(command, name, 1, options=opts)
        payload = self._interaction_envelope(
            4, data, user_id=user_id, guild_id=guild_id, channel_id=channel_id, dm=dm, locale=locale
        )
        return await self._dispatch_interaction(payload)

    def _message_for(self, message: JSON | int) -> JSON:
        if isinstance(message, Mapping):
            return dict(message)
        found = self.messages.get(int(message))
        if found is None:
            raise FakeDiscordError(f"unknown message {message}")
        return found

    async def send_component(
        self,
        custom_id: str,
        message: JSON | int,
        *,
        component_type: int = 2,
        values: Sequence[str] | None = None,
        user_id: int = USER_ID,
        guild_id: int | None = GUILD_ID,
        channel_id: int | None = None,
        dm: bool = False,
        locale: str = "en-US",
    ) -> SentInteraction:
        """Dispatch a component interaction (type 3): a click on button ``custom_id`` (or a
        select with ``values``, component_type 3) of ``message`` (a message the bot sent:
        dict or id). The channel/guild default to the message's."""
        msg = self._message_for(message)
        channel_id, guild_id, dm = self._where(msg, channel_id, guild_id, dm)
        data: JSON = {"custom_id": custom_id, "component_type": component_type}
        if values is not None or component_type in (3, 5, 6, 7, 8):
            data["values"] = list(values or [])
        payload = self._interaction_envelope(
            3,
            data,
            user_id=user_id,
            guild_id=guild_id,
            channel_id=channel_id,
            dm=dm,
            locale=locale,
            message=msg,
        )
        return await self._dispatch_interaction(payload, component_of=int(msg["id"]))

    async def send_message_command(
        self,
        name: str,
        target_message: JSON | int,
        *,
        user_id: int = USER_ID,
        guild_id: int | None = GUILD_ID,
        channel_id: int | None = None,
        dm: bool = False,
        locale: str = "en-US",
    ) -> SentInteraction:
        """Dispatch a message context-menu command (type 2, data.type 3) on ``target_message``
        (dict or a known id); the target is in ``data.resolved.messages``."""
        msg = self._message_for(target_message)
        channel_id, guild_id, dm = self._where(msg, channel_id, guild_id, dm)
        command = self._find_command(name, 3, None if dm else guild_id)
        data = self._command_data(
            command, name, 3, target_id=msg["id"], resolved={"messages": {msg["id"]: msg}}
        )
        payload = self._interaction_envelope(
            2, data, user_id=user_id, guild_id=guild_id, channel_id=channel_id, dm=dm, locale=locale
        )
        return await self._dispatch_interaction(payload)

    async def send_user_command(
        self,
        name: str,
        target_user_id: int,
        *,
        user_id: int = USER_ID,
        guild_id: int | None = GUILD_ID,
        channel_id: int | None = None,
        dm: bool = False,
        locale: str = "en-US",
    ) -> SentInteraction:
        """Dispatch a user context-menu command (type 2, data.type 2) on ``target_user_id``."""
        command = self._find_command(name, 2, None if dm else guild_id)
        target = self.user(target_user_id)
        resolved: JSON = {"users": {str(target_user_id): target}}
        if guild_id is not None and not dm:
            resolved["members"] = {
                str(target_user_id): P.member_payload(
                    target, with_user=False, permissions=P.ALL_PERMISSIONS
                )
            }
        data = self._command_data(
            command, name, 2, target_id=str(target_user_id), resolved=resolved
        )
        payload = self._interaction_envelope(
            2, data, user_id=user_id, guild_id=guild_id, channel_id=channel_id, dm=dm, locale=locale
        )
        return await self._dispatch_interaction(payload)

    async def send_modal_submit(
        self,
        custom_id: str,
        fields: Mapping[str, str],
        *,
        user_id: int = USER_ID,
        guild_id: int | None = GUILD_ID,
        channel_id: int | None = None,
        dm: bool = False,
        locale: str = "en-US",
        message: JSON | int | None = None,
    ) -> SentInteraction:
        """Dispatch a modal submit (type 5): ``fields`` maps text-input custom_id -> value.
        Each field is sent in a Label (type 18) wrapping a text input, as Discord does for
        modals built with labels; discord.py also accepts it for action-row modals."""
        components = [
            {
                "type": 18,
                "id": i * 2 + 1,
                "component": {"type": 4, "id": i * 2 + 2, "custom_id": cid, "value": value},
            }
            for i, (cid, value) in enumerate(fields.items())
        ]
        data: JSON = {"custom_id": custom_id, "components": components}
        msg = self._message_for(message) if message is not None else None
        payload = self._interaction_envelope(
            5,
            data,
            user_id=user_id,
            guild_id=guild_id,
            channel_id=channel_id,
            dm=dm,
            locale=locale,
            message=msg,
        )
        return await self._dispatch_interaction(
            payload, component_of=int(msg["id"]) if msg is not None else None
        )

    # =====================================================================================
    # REST plumbing
    # =====================================================================================
    def _install_routes(self) -> None:
        r = self._route
        snow = r"(\d+)"
        tok = r"([^/]+)"
        r("GET", r"/users/@me", self._get_me)
        r("GET", r"/gateway", self._get_gateway)
        r("GET", r"/gateway/bot", self._get_gateway_bot)
        r("GET", r"/applications/@me", self._get_application)
        r("GET", r"/oauth2/applications/@me", self._get_application)
        r("GET", rf"/applications/{snow}/commands", self._get_commands)
        r("PUT", rf"/applications/{snow}/commands", self._put_commands)
        r("POST", rf"/applications/{snow}/commands", self._post_command)
        r("GET", rf"/applications/{snow}/guilds/{snow}/commands", self._get_commands)
        r("PUT", rf"/applications/{snow}/guilds/{snow}/commands", self._put_commands)
        r("POST", rf"/applications/{snow}/guilds/{snow}/commands", self._post_command)
        r("POST", rf"/interactions/{snow}/{tok}/callback", self._callback, auth=False)
        r(
            "GET",
            rf"/webhooks/{snow}/{tok}/messages/(@original|\d+)",
            self._get_webhook_msg,
            auth=False,
        )
        r(
            "PATCH",
            rf"/webhooks/{snow}/{tok}/messages/(@original|\d+)",
            self._edit_webhook_msg,
            auth=False,
        )
        r(
            "DELETE",
            rf"/webhooks/{snow}/{tok}/messages/(@original|\d+)",
            self._delete_webhook_msg,
            auth=False,
        )
        r("POST", rf"/webhooks/{snow}/{tok}", self._followup, auth=False)
        r("POST", rf"/channels/{snow}/messages", self._create_message)
        r("GET", rf"/channels/{snow}/messages/{snow}", self._get_message)
        r("PATCH", rf"/channels/{snow}/messages/{snow}", self._edit_message)
        r("DELETE", rf"/channels/{snow}/messages/{snow}", self._delete_message)
        r("POST", rf"/channels/{snow}/typing", self._typing)
        r("GET", rf"/channels/{snow}", self._get_channel)
        r("GET", rf"/guilds/{snow}", self._get_guild)
        r("POST", r"/users/@me/channels", self._open_dm)
        r("GET", rf"/users/{snow}", self._get_user)

    def _route(self, method: str, pattern: str, handler: Handler, *, auth: bool = True) -> None:
        self._routes.append((method, re.compile(pattern), handler, auth))

    async def _read_body(
        self, request: web.Request
    ) -> tuple[Any, list[tuple[str, str | None, int]], str]:
        ctype = request.content_type or ""
        files: list[tuple[str, str | None, int]] = []
        if ctype.startswith("multipart/"):
            body: Any = None
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                if not hasattr(part, "read"):
                    continue
                raw = await part.read()  # type: ignore[union-attr]
                name = part.name or ""  # type: ignore[union-attr]
                filename = part.filename  # type: ignore[union-attr]
                if name == "payload_json" and filename is None:
                    body = json.loads(raw.decode())
                else:
                    files.append((name, filename, len(raw)))
            return body, files, "multipart/form-data"
        raw_bytes = await request.read()
        if not raw_bytes:
            return None, files, ctype or "application/json"
        try:
            return json.loads(raw_bytes), files, ctype or "application/json"
        except ValueError:
            return raw_bytes.decode(errors="replace"), files, ctype

    async def _rest_handler(self, request: web.Request) -> web.StreamResponse:
        received_at = time.perf_counter()
        path = "/" + request.match_info["tail"]
        body, files, ctype = await self._read_body(request)
        headers = {k: v for k, v in request.headers.items() if k.lower() != "authorization"}
        rec = RecordedRequest(
            index=len(self.requests),
            method=request.method,
            path=path,
            query=dict(request.query),
            json=body,
            files=files,
            headers=headers,
            received_at=received_at,
            content_type=ctype,
        )
        self.requests.append(rec)
        problems = check_request(
            rec.method, rec.path, rec.json, rec.query, validator=self.validator, content_type=ctype
        )
        rec.violations.extend(problems)
        self.violations.extend(problems)
        try:
            response = await self._route_request(request, rec)
        except Exception as exc:  # a bug in the fake: make it loud
            self.add_violation(f"{rec.method} {rec.path}: fakediscord crashed: {exc!r}")
            response = _error(500, f"fakediscord internal error: {exc!r}")
        rec.status = response.status
        if isinstance(response, web.Response) and response.body is not None:
            with contextlib.suppress(ValueError, TypeError):
                rec.response = json.loads(bytes(response.body))  # type: ignore[arg-type]
        await self._notify()
        return response

    async def _route_request(
        self, request: web.Request, rec: RecordedRequest
    ) -> web.StreamResponse:
        for method, pattern, handler, auth in self._routes:
            if method != rec.method:
                continue
            found = pattern.fullmatch(rec.path)
            if found is None:
                continue
            if auth and request.headers.get("Authorization") != f"Bot {self.token}":
                return _error(401, "401: Unauthorized", 0)
            return await handler(rec, found)
        self.unhandled.append(rec)
        return _error(404, f"404: Not Found (fakediscord does not fake {rec.method} {rec.path})")

    def _bad(self, rec: RecordedRequest, problem: str) -> None:
        self.add_violation(f"{rec.method} {rec.path}: {problem}")

    def _check_app(self, rec: RecordedRequest, app_id: str) -> web.Response | None:
        if int(app_id) != self.application_id:
            self._bad(rec, f"application id {app_id} is not the bot's ({self.application_id})")
            return _error(403, "Missing Access", 50001)
        return None

    # --- simple endpoints -----------------------------------------------------------------
    async def _get_me(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        return _json_response(self.bot_user())

    async def _get_gateway(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        return _json_response({"url": self.gateway_url})

    async def _get_gateway_bot(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        return _json_response(
            {
                "url": self.gateway_url,
                "shards": self.shards,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 14_400_000,
                    "max_concurrency": 1,
                },
            }
        )

    async def _get_application(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        owner = self.user(USER_ID)
        data = P.application_payload(self.application_id, owner, self.bot_name)
        data["flags"] = self.application_flags
        data["bot"] = self.bot_user()
        return _json_response(data)

    async def _typing(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        if int(m.group(1)) not in self.channels:
            return _error(404, "Unknown Channel", 10003)
        return web.Response(status=204)

    async def _get_channel(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        channel = self.channels.get(int(m.group(1)))
        if channel is None:
            return _error(404, "Unknown Channel", 10003)
        return _json_response(channel)

    async def _get_guild(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        gid = int(m.group(1))
        if gid not in self.guilds:
            return _error(404, "Unknown Guild", 10004)
        data = self.guild_create(gid)
        for key in ("members", "channels", "threads", "presences", "voice_states"):
            data.pop(key, None)
        return _json_response(data)

    async def _get_user(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        user = self.users.get(int(m.group(1)))
        if user is None:
            return _error(404, "Unknown User", 10013)
        return _json_response(user.payload())

    async def _open_dm(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        body = rec.json if isinstance(rec.json, Mapping) else {}
        try:
            user_id = int(body["recipient_id"])
        except (KeyError, TypeError, ValueError):
            return _error(400, "Invalid Form Body", 50035)
        return _json_response(self.channels[self.dm_channel_id(user_id)])

    # --- application commands --------------------------------------------------------------
    def _store_command(
        self, payload: Mapping[str, Any], guild_id: int | None, old: list[JSON]
    ) -> JSON:
        ctype = int(payload.get("type") or 1)
        previous = next(
            (c for c in old if c["name"] == payload.get("name") and c.get("type", 1) == ctype), None
        )
        command: JSON = {
            "id": previous["id"] if previous else str(P.snowflake()),
            "application_id": str(self.application_id),
            "version": str(P.snowflake()),
            "type": ctype,
            "name": payload.get("name"),
            "name_localizations": payload.get("name_localizations"),
            "description": payload.get("description") or "",
            "description_localizations": payload.get("description_localizations"),
            "options": copy.deepcopy(payload.get("options") or []),
            "default_member_permissions": payload.get("default_member_permissions"),
            "dm_permission": payload.get("dm_permission", True),
            "contexts": payload.get("contexts"),
            "integration_types": payload.get("integration_types") or [0],
            "nsfw": bool(payload.get("nsfw", False)),
        }
        if guild_id is not None:
            command["guild_id"] = str(guild_id)
        return command

    def _command_scope(
        self, rec: RecordedRequest, m: re.Match[str]
    ) -> tuple[int | None, web.Response | None]:
        bad = self._check_app(rec, m.group(1))
        if bad is not None:
            return None, bad
        if m.re.groups >= 2:
            gid = int(m.group(2))
            if gid not in self.guilds:
                self._bad(rec, f"guild {gid} is not a guild the bot is in")
                return gid, _error(403, "Missing Access", 50001)
            return gid, None
        return None, None

    async def _get_commands(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        gid, bad = self._command_scope(rec, m)
        if bad is not None:
            return bad
        return _json_response(self.commands(gid))

    async def _put_commands(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        gid, bad = self._command_scope(rec, m)
        if bad is not None:
            return bad
        if not isinstance(rec.json, list):
            return _error(400, "Invalid Form Body", 50035)
        old = self._commands.get(gid, [])
        new = [self._store_command(c, gid, old) for c in rec.json if isinstance(c, Mapping)]
        self._commands[gid] = new
        return _json_response(copy.deepcopy(new))

    async def _post_command(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        gid, bad = self._command_scope(rec, m)
        if bad is not None:
            return bad
        if not isinstance(rec.json, Mapping):
            return _error(400, "Invalid Form Body", 50035)
        old = self._commands.get(gid, [])
        command = self._store_command(rec.json, gid, old)
        self._commands[gid] = [c for c in old if c["id"] != command["id"]] + [command]
        return _json_response(copy.deepcopy(command), status=200 if len(old) else 201)

    # --- messages ----------------------------------------------------------------------------
    def _attachments(
        self, body: Mapping[str, Any], files: list[tuple[str, str | None, int]]
    ) -> list[JSON]:
        out: list[JSON] = []
        sizes = {name: (filename, size) for name, filename, size in files}
        for att in body.get("attachments") or []:
            if not isinstance(att, Mapping):
                continue
            idx = att.get("id")
            filename, size = sizes.get(f"files[{idx}]", (att.get("filename"), 0))
            aid = P.snowflake()
            out.append(
                {
                    "id": str(aid),
                    "filename": filename or att.get("filename") or "file",
                    "size": size,
                    "url": f"{self.base_url}/attachments/{aid}/{filename}",
                    "proxy_url": f"{self.base_url}/attachments/{aid}/{filename}",
                    **({"description": att["description"]} if att.get("description") else {}),
                }
            )
        return out

    def _build_message(
        self,
        body: Mapping[str, Any],
        files: list[tuple[str, str | None, int]],
        *,
        channel_id: int,
        webhook: bool = False,
        interaction: _InteractionState | None = None,
        message_type: int = 0,
    ) -> JSON:
        guild_id = self.channel_guild.get(channel_id)
        author = (
            self.bot_user()
            if not webhook
            else {**P.user_payload(self.bot_id, self.bot_name, bot=True)}
        )
        embeds = []
        for embed in body.get("embeds") or []:
            if isinstance(embed, Mapping):
                embeds.append({"type": "rich", **{k: v for k, v in embed.items() if v is not None}})
        flags = body.get("flags") or 0
        message: JSON = {
            "id": str(P.snowflake()),
            "type": message_type,
            "channel_id": str(channel_id),
            "author": author,
            "content": body.get("content") or "",
            "timestamp": P.now_iso(),
            "edited_timestamp": None,
            "tts": bool(body.get("tts", False)),
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": self._attachments(body, files),
            "embeds": embeds,
            "pinned": False,
            "flags": int(flags) if isinstance(flags, int) else 0,
            "components": copy.deepcopy(body.get("components") or []),
        }
        if guild_id is not None:
            message["guild_id"] = str(guild_id)
            if not webhook:
                message["member"] = P.member_payload(author, with_user=False)
        if webhook:
            message["webhook_id"] = str(self.application_id)
            message["application_id"] = str(self.application_id)
        if interaction is not None:
            sent = interaction.sent.payload
            user = sent.get("user") or (sent.get("member") or {}).get("user")
            message["interaction_metadata"] = {
                "id": sent["id"],
                "type": sent["type"],
                "user": user,
                "authorizing_integration_owners": sent.get("authorizing_integration_owners", {}),
            }
        return message

    def _remember(self, message: JSON) -> JSON:
        mid = int(message["id"])
        self.messages[mid] = message
        channel_messages = self._bot_messages.setdefault(int(message["channel_id"]), [])
        if mid not in channel_messages:
            channel_messages.append(mid)
        return message

    def _edit(
        self, message: JSON, body: Mapping[str, Any], files: list[tuple[str, str | None, int]]
    ) -> JSON:
        if "content" in body:
            message["content"] = body.get("content") or ""
        if "embeds" in body:
            message["embeds"] = [
                {"type": "rich", **{k: v for k, v in e.items() if v is not None}}
                for e in body.get("embeds") or []
                if isinstance(e, Mapping)
            ]
        if "components" in body:
            message["components"] = copy.deepcopy(body.get("components") or [])
        if "attachments" in body:
            keep = {
                str(a.get("id")) for a in body.get("attachments") or [] if isinstance(a, Mapping)
            }
            kept = [a for a in message.get("attachments", []) if a["id"] in keep]
            message["attachments"] = kept + self._attachments(body, files)
        if "flags" in body and isinstance(body.get("flags"), int):
            message["flags"] = (message.get("flags", 0) & (EPHEMERAL | LOADING)) | body["flags"]
        message["flags"] = message.get("flags", 0) & ~LOADING
        message["edited_timestamp"] = P.now_iso()
        return message

    def _resolve_reference(
        self, rec: RecordedRequest, body: Mapping[str, Any], message: JSON, channel_id: int
    ) -> web.Response | None:
        ref = body.get("message_reference")
        if not isinstance(ref, Mapping):
            return None
        ref_id = ref.get("message_id")
        referenced = self.messages.get(int(ref_id)) if ref_id is not None else None
        if referenced is None:
            if ref.get("fail_if_not_exists", True):
                self._bad(rec, f"message_reference to unknown message {ref_id}")
                return _error(400, "Invalid Form Body: Unknown message", 50035)
            return None
        message["type"] = 19
        message["message_reference"] = {
            "type": 0,
            "message_id": referenced["id"],
            "channel_id": referenced.get("channel_id", str(channel_id)),
            **({"guild_id": referenced["guild_id"]} if referenced.get("guild_id") else {}),
        }
        message["referenced_message"] = referenced
        return None

    async def _create_message(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        channel_id = int(m.group(1))
        if channel_id not in self.channels:
            self._bad(rec, f"unknown channel {channel_id}")
            return _error(404, "Unknown Channel", 10003)
        body = rec.json if isinstance(rec.json, Mapping) else {}
        if (
            not any(body.get(k) for k in ("content", "embeds", "components", "sticker_ids", "poll"))
            and not rec.files
        ):
            self._bad(rec, "cannot send an empty message")
            return _error(400, "Cannot send an empty message", 50006)
        message = self._build_message(body, rec.files, channel_id=channel_id)
        bad = self._resolve_reference(rec, body, message, channel_id)
        if bad is not None:
            return bad
        self._remember(message)
        await self._broadcast("MESSAGE_CREATE", message)
        return _json_response(message)

    async def _get_message(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        message = self.messages.get(int(m.group(2)))
        if message is None or message.get("channel_id") != m.group(1):
            return _error(404, "Unknown Message", 10008)
        return _json_response(message)

    async def _edit_message(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        message = self.messages.get(int(m.group(2)))
        if message is None or message.get("channel_id") != m.group(1):
            return _error(404, "Unknown Message", 10008)
        if message["author"]["id"] != str(self.bot_id):
            self._bad(rec, "editing a message the bot did not author")
            return _error(403, "Cannot edit a message authored by another user", 50005)
        body = rec.json if isinstance(rec.json, Mapping) else {}
        self._edit(message, body, rec.files)
        await self._broadcast("MESSAGE_UPDATE", message)
        return _json_response(message)

    async def _delete_message(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        message = self.messages.pop(int(m.group(2)), None)
        if message is None:
            return _error(404, "Unknown Message", 10008)
        await self._broadcast("MESSAGE_DELETE", message)
        return web.Response(status=204)

    # --- interactions ------------------------------------------------------------------------
    def _interaction_state(self, token: str) -> _InteractionState | None:
        iid = self._by_token.get(token)
        return None if iid is None else self._interactions.get(iid)

    async def _callback(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        iid, token = int(m.group(1)), m.group(2)
        state = self._interactions.get(iid)
        if state is None or state.sent.token != token:
            self._bad(rec, "unknown interaction id/token")
            return _error(404, "Unknown interaction", 10062)
        if state.callback is not None:
            self._bad(rec, "interaction has already been acknowledged")
            return _error(400, "Interaction has already been acknowledged.", 40060)
        state.callback = rec
        elapsed = rec.received_at - state.sent.dispatched_at
        if self.callback_deadline is not None and elapsed > self.callback_deadline:
            self._bad(
                rec,
                f"callback arrived {elapsed:.2f}s after dispatch (Discord's limit is "
                f"{self.callback_deadline:.0f}s; the token would be invalid)",
            )
            return _error(404, "Unknown interaction", 10062)
        body = rec.json if isinstance(rec.json, Mapping) else {}
        ctype = body.get("type")
        state.callback_type = ctype if isinstance(ctype, int) else None
        data = body.get("data") if isinstance(body.get("data"), Mapping) else {}
        assert isinstance(data, Mapping)
        sent = state.sent.payload
        channel_id = int(sent["channel_id"])
        itype = sent["type"]
        resource: JSON = {"type": ctype}
        interaction_info: JSON = {"id": str(iid), "type": itype}
        if ctype in (4, 5):
            if itype not in (2, 3, 5):
                self._bad(rec, f"callback type {ctype} is not valid for interaction type {itype}")
            msg_body = dict(data)
            if ctype == 5:
                msg_body = {"flags": (data.get("flags") or 0) | LOADING}
            message = self._build_message(
                msg_body,
                rec.files,
                channel_id=channel_id,
                webhook=True,
                interaction=state,
                message_type=20
                if itype == 2 and sent.get("data", {}).get("type", 1) == 1
                else (23 if itype == 2 else 0),
            )
            self._remember(message)
            await self._broadcast("MESSAGE_CREATE", message)
            state.original_id = int(message["id"])
            interaction_info["response_message_id"] = message["id"]
            interaction_info["response_message_loading"] = ctype == 5
            interaction_info["response_message_ephemeral"] = bool(message["flags"] & EPHEMERAL)
            resource["message"] = message
        elif ctype in (6, 7):
            if itype not in (3, 5) or state.component_message_id is None:
                self._bad(
                    rec,
                    f"callback type {ctype} is only valid for component/modal interactions "
                    "on a message",
                )
            target = self.messages.get(state.component_message_id or -1)
            if target is not None:
                state.original_id = int(target["id"])
                if ctype == 7:
                    self._edit(target, data, rec.files)
                    await self._broadcast("MESSAGE_UPDATE", target)
                    resource["message"] = target
                interaction_info["response_message_id"] = target["id"]
        elif ctype == 8:
            if itype != 4:
                self._bad(rec, f"autocomplete result (type 8) for interaction type {itype}")
        elif ctype == 9:
            if itype == 5:
                self._bad(rec, "a modal cannot be answered with another modal")
        elif ctype == 1:
            self._bad(rec, "PONG (type 1) is only for HTTP interactions' PING")
        else:
            self._bad(rec, f"unknown callback type {ctype!r}")
            return _error(400, "Invalid Form Body", 50035)
        state.done.set()
        if not _truthy(rec.query.get("with_response")):
            return web.Response(status=204)
        return _json_response({"interaction": interaction_info, "resource": resource})

    def _webhook_state(
        self, rec: RecordedRequest, app_id: str, token: str
    ) -> tuple[_InteractionState | None, web.Response | None]:
        bad = self._check_app(rec, app_id)
        if bad is not None:
            return None, bad
        state = self._interaction_state(token)
        if state is None:
            self._bad(rec, "unknown webhook/interaction token")
            return None, _error(404, "Unknown Webhook", 10015)
        if state.callback is None:
            self._bad(
                rec, "interaction was not acknowledged (no callback) before using its webhook"
            )
            return None, _error(404, "Unknown Webhook", 10015)
        return state, None

    def _webhook_target(self, state: _InteractionState, which: str) -> JSON | None:
        if which == "@original":
            return self.messages.get(state.original_id) if state.original_id is not None else None
        return self.messages.get(int(which))

    async def _get_webhook_msg(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        state, bad = self._webhook_state(rec, m.group(1), m.group(2))
        if state is None:
            return bad or _error(404, "Unknown Webhook", 10015)
        message = self._webhook_target(state, m.group(3))
        if message is None:
            return _error(404, "Unknown Message", 10008)
        return _json_response(message)

    async def _edit_webhook_msg(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        state, bad = self._webhook_state(rec, m.group(1), m.group(2))
        if state is None:
            return bad or _error(404, "Unknown Webhook", 10015)
        message = self._webhook_target(state, m.group(3))
        if message is None:
            self._bad(rec, f"editing unknown message {m.group(3)} of this interaction")
            return _error(404, "Unknown Message", 10008)
        body = rec.json if isinstance(rec.json, Mapping) else {}
        self._edit(message, body, rec.files)
        await self._broadcast("MESSAGE_UPDATE", message)
        return _json_response(message)

    async def _delete_webhook_msg(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        state, bad = self._webhook_state(rec, m.group(1), m.group(2))
        if state is None:
            return bad or _error(404, "Unknown Webhook", 10015)
        message = self._webhook_target(state, m.group(3))
        if message is None:
            return _error(404, "Unknown Message", 10008)
        self.messages.pop(int(message["id"]), None)
        await self._broadcast("MESSAGE_DELETE", message)
        return web.Response(status=204)

    async def _followup(self, rec: RecordedRequest, m: re.Match[str]) -> web.Response:
        state, bad = self._webhook_state(rec, m.group(1), m.group(2))
        if state is None:
            return bad or _error(404, "Unknown Webhook", 10015)
        body = rec.json if isinstance(rec.json, Mapping) else {}
        if (
            not any(body.get(k) for k in ("content", "embeds", "components", "poll"))
            and not rec.files
        ):
            self._bad(rec, "cannot send an empty message")
            return _error(400, "Cannot send an empty message", 50006)
        original = self._webhook_target(state, "@original")
        if state.callback_type == 5 and original is not None and original["flags"] & LOADING:
            # Discord: the first followup after a deferred reply replaces the loading message.
            message = self._edit(original, body, rec.files)
            message["edited_timestamp"] = None
            await self._broadcast("MESSAGE_UPDATE", message)
        else:
            message = self._build_message(
                body,
                rec.files,
                channel_id=int(state.sent.payload["channel_id"]),
                webhook=True,
                interaction=state,
                message_type=0,
            )
            bad = self._resolve_reference(rec, body, message, int(message["channel_id"]))
            if bad is not None:
                return bad
            self._remember(message)
            await self._broadcast("MESSAGE_CREATE", message)
        if not _truthy(rec.query.get("wait")):
            return web.Response(status=204)
        return _json_response(message)


__all__ = [
    "FakeDiscord",
    "FakeDiscordError",
    "RecordedRequest",
    "SentInteraction",
]
