"""The fake gateway: one :class:`GatewaySession` per websocket connection (i.e. per shard)."""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

if TYPE_CHECKING:
    from .server import FakeDiscord

_log = logging.getLogger(__name__)

# Gateway opcodes
OP_DISPATCH = 0
OP_HEARTBEAT = 1
OP_IDENTIFY = 2
OP_PRESENCE = 3
OP_VOICE_STATE = 4
OP_RESUME = 6
OP_RECONNECT = 7
OP_REQUEST_MEMBERS = 8
OP_INVALID_SESSION = 9
OP_HELLO = 10
OP_HEARTBEAT_ACK = 11

# Close codes
CLOSE_AUTHENTICATION_FAILED = 4004
CLOSE_ALREADY_AUTHENTICATED = 4005
CLOSE_INVALID_SHARD = 4010
CLOSE_INVALID_INTENTS = 4013


class GatewaySession:
    """State of one gateway connection (one shard of the bot)."""

    def __init__(self, fake: FakeDiscord, ws: web.WebSocketResponse, query: dict[str, str]):
        """Wrap an accepted websocket; ``query`` is the connection's URL query."""
        self.fake = fake
        self.ws = ws
        self.query = query
        self.session_id: str = uuid.uuid4().hex
        self.seq = 0
        self.shard_id = 0
        self.shard_count = 1
        self.intents: int | None = None
        self.identified = False
        self.ready = False
        self.heartbeats = 0
        self.connected_at = time.perf_counter()
        self._send_lock = asyncio.Lock()

    # -- sending -------------------------------------------------------------------------
    async def send_json(self, payload: dict[str, Any]) -> None:
        """Send one gateway payload as a JSON text frame."""
        async with self._send_lock:
            if self.ws.closed:
                raise ConnectionResetError(f"gateway session of shard {self.shard_id} is closed")
            await self.ws.send_str(json.dumps(payload, separators=(",", ":")))

    async def dispatch(self, event: str, data: Any) -> int:
        """Send a DISPATCH (op 0) with the next sequence number; returns that number."""
        async with self._send_lock:
            if self.ws.closed:
                raise ConnectionResetError(f"gateway session of shard {self.shard_id} is closed")
            self.seq += 1
            seq = self.seq
            payload = {"op": OP_DISPATCH, "t": event, "s": seq, "d": data}
            await self.ws.send_str(json.dumps(payload, separators=(",", ":")))
        self.fake.gateway_events.append((self.shard_id, event, data))
        return seq

    async def close(self, code: int = 1000, message: str = "") -> None:
        """Close the websocket with ``code``."""
        if not self.ws.closed:
            await self.ws.close(code=code, message=message.encode())

    # -- receiving -----------------------------------------------------------------------
    async def run(self) -> None:
        """Send HELLO and serve the connection until it closes."""
        if self.query.get("v") != "10":
            self.fake.add_violation(f"GATEWAY: connected with v={self.query.get('v')!r}, not 10")
        if self.query.get("encoding", "json") != "json":
            self.fake.add_violation(
                f"GATEWAY: encoding={self.query.get('encoding')!r} (the fake only speaks json)"
            )
        await self.send_json(
            {
                "op": OP_HELLO,
                "d": {"heartbeat_interval": self.fake.heartbeat_interval_ms},
                "s": None,
                "t": None,
            }
        )
        async for msg in self.ws:
            if msg.type is WSMsgType.TEXT:
                try:
                    payload = json.loads(msg.data)
                except ValueError:
                    self.fake.add_violation(f"GATEWAY: undecodable frame {msg.data[:100]!r}")
                    await self.close(4002, "Decode error")
                    break
                await self._handle(payload)
            elif msg.type is WSMsgType.BINARY:
                self.fake.add_violation("GATEWAY: client sent a binary frame (expected JSON text)")
            elif msg.type is WSMsgType.ERROR:
                break

    async def _handle(self, payload: dict[str, Any]) -> None:
        op = payload.get("op")
        data = payload.get("d")
        self.fake.gateway_received.append((self.shard_id, payload))
        if op == OP_HEARTBEAT:
            self.heartbeats += 1
            await self.send_json({"op": OP_HEARTBEAT_ACK})
        elif op == OP_IDENTIFY:
            await self._identify(data if isinstance(data, dict) else {})
        elif op == OP_RESUME:
            await self._resume(data if isinstance(data, dict) else {})
        elif op == OP_REQUEST_MEMBERS:
            await self._request_members(data if isinstance(data, dict) else {})
        elif op in (OP_PRESENCE, OP_VOICE_STATE):
            self.fake.presence_updates.append(data)
        else:
            self.fake.add_violation(f"GATEWAY: unexpected opcode {op!r} from the client")

    async def _identify(self, data: dict[str, Any]) -> None:
        fake = self.fake
        if self.identified:
            await self.close(CLOSE_ALREADY_AUTHENTICATED, "Already authenticated.")
            return
        if data.get("token") != (fake.gateway_token or fake.token):
            await self.close(CLOSE_AUTHENTICATION_FAILED, "Authentication failed.")
            return
        shard = data.get("shard") or [0, 1]
        shard_id, shard_count = int(shard[0]), int(shard[1])
        if not 0 <= shard_id < shard_count:
            await self.close(CLOSE_INVALID_SHARD, "Invalid shard.")
            return
        intents = data.get("intents")
        if not isinstance(intents, int):
            await self.close(CLOSE_INVALID_INTENTS, "Invalid intent(s).")
            return
        recorded = {k: v for k, v in data.items() if k != "token"}
        fake.identifies.append(recorded)
        self.shard_id, self.shard_count, self.intents = shard_id, shard_count, intents
        self.identified = True

        guilds = [g for g in fake.guilds.values() if g.shard_id(shard_count) == shard_id]
        ready = {
            "v": 10,
            "user": fake.bot_user(),
            "user_settings": {},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": self.session_id,
            "session_type": "normal",
            "resume_gateway_url": fake.gateway_url,
            "shard": [shard_id, shard_count],
            "application": {"id": str(fake.application_id), "flags": fake.application_flags},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "geo_ordered_rtc_regions": [],
            "guild_join_requests": [],
            "auth_session_id_hash": "",
        }
        await self.dispatch("READY", ready)
        for guild in guilds:
            await self.dispatch("GUILD_CREATE", fake.guild_create(guild.id, intents))
        self.ready = True
        await fake.session_ready(self)

    async def _resume(self, data: dict[str, Any]) -> None:
        fake = self.fake
        if data.get("token") != fake.token:
            await self.close(CLOSE_AUTHENTICATION_FAILED, "Authentication failed.")
            return
        old = fake.find_session(str(data.get("session_id")))
        if old is None:
            await self.send_json({"op": OP_INVALID_SESSION, "d": False})
            return
        self.session_id = old.session_id
        self.seq = old.seq
        self.shard_id, self.shard_count, self.intents = old.shard_id, old.shard_count, old.intents
        self.identified = self.ready = True
        fake.resumes.append({k: v for k, v in data.items() if k != "token"})
        await self.dispatch("RESUMED", {})
        await fake.session_ready(self)

    async def _request_members(self, data: dict[str, Any]) -> None:
        fake = self.fake
        guild_ids = data.get("guild_id")
        ids = guild_ids if isinstance(guild_ids, list) else [guild_ids]
        for gid in ids:
            if not isinstance(gid, (int, str)) or not str(gid).isdigit():
                continue
            guild_id = int(gid)
            members = fake.member_payloads(guild_id)
            query = data.get("query")
            if isinstance(query, str) and query:
                members = [m for m in members if m["user"]["username"].startswith(query)]
            user_ids = data.get("user_ids")
            if user_ids:
                wanted = {str(u) for u in (user_ids if isinstance(user_ids, list) else [user_ids])}
                members = [m for m in members if m["user"]["id"] in wanted]
            limit = data.get("limit") or 0
            if limit:
                members = members[:limit]
            chunk: dict[str, Any] = {
                "guild_id": str(guild_id),
                "members": members,
                "chunk_index": 0,
                "chunk_count": 1,
                "not_found": [],
            }
            if "nonce" in data:
                chunk["nonce"] = data["nonce"]
            await self.dispatch("GUILD_MEMBERS_CHUNK", chunk)
