"""Small helpers shared by the end-to-end tests."""

from __future__ import annotations

from typing import Any

EPHEMERAL = 64


def embed_of(body: dict[str, Any]) -> dict[str, Any]:
    """The single embed of a callback body, a followup or a channel message body."""
    data = body.get("data", body)
    (embed,) = data["embeds"]
    return embed  # type: ignore[no-any-return]


def flags_of(body: dict[str, Any]) -> int:
    """The message flags of a callback body (0 when absent)."""
    return int(body.get("data", body).get("flags") or 0)


def custom_ids(message_or_body: dict[str, Any]) -> list[str]:
    """Every button custom_id of a message or callback body, in order."""
    data = message_or_body.get("data", message_or_body)
    return [c["custom_id"] for row in data.get("components") or [] for c in row["components"]]


def text_of(embed: dict[str, Any]) -> str:
    """Description and field values of an embed, joined (for substring checks)."""
    parts = [embed.get("title", ""), embed.get("description", "")]
    parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
    return "\n".join(parts)
