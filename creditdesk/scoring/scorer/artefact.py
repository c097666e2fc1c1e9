"""The scorecard artefact's envelope (模型文件): canonical JSON, SHA-256 checksum, seal and verify.

Rule: ``checksum`` is the SHA-256 of the canonical JSON of ``content`` — keys sorted, no whitespace,
UTF-8 with non-ASCII characters kept, no NaN or infinity — so the file's layout does not matter but any
change to a value does. Sealing is the only way an artefact is made; verifying refuses a file that is
not an artefact of this format (``model_invalid``) or whose content does not match its checksum
(``model_tampered``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any, Final

from creditdesk.scoring.errors import ScoringError
from creditdesk.scoring.scorer.fields import invalid, mapping

FORMAT: Final = "creditdesk-scorecard/1"


def canonical_json(content: Any) -> bytes:
    """The bytes the checksum is taken of: sorted keys, no whitespace, UTF-8, no NaN/infinity."""
    try:
        text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ScoringError("model_invalid", f"评分卡内容无法写成 JSON：{exc}") from exc
    return text.encode("utf-8")


def content_checksum(content: Any) -> str:
    """``"sha256:<hex>"`` of :func:`canonical_json` of ``content``."""
    return "sha256:" + hashlib.sha256(canonical_json(content)).hexdigest()


def seal(content: Mapping[str, Any]) -> dict[str, Any]:
    """The artefact envelope of ``content`` with its checksum (the only way an artefact is made)."""
    plain = json.loads(canonical_json(dict(content)))
    return {"format": FORMAT, "content": plain, "checksum": content_checksum(plain)}


def dump_artefact(envelope: Mapping[str, Any]) -> str:
    """The artefact as readable JSON text (indented; the checksum does not depend on the layout)."""
    return json.dumps(envelope, ensure_ascii=False, indent=1, allow_nan=False) + "\n"


def parse_artefact(text: str | bytes) -> dict[str, Any]:
    """The envelope in JSON ``text`` (not yet verified); ``model_invalid`` if it is not a JSON object."""
    try:
        envelope = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise invalid(f"不是 JSON（{exc}）") from exc
    if not isinstance(envelope, dict):
        raise invalid("顶层应为对象")
    return envelope


def verified_content(envelope: Mapping[str, Any]) -> tuple[Mapping[str, Any], str]:
    """The envelope's ``(content, checksum)`` once its format and checksum are checked."""
    if envelope.get("format") != FORMAT:
        raise invalid(f"格式应为 {FORMAT}", field="format")
    content = mapping(envelope.get("content"), "content")
    checksum = envelope.get("checksum")
    if not isinstance(checksum, str) or not checksum.startswith("sha256:") or len(checksum) != 71:
        raise invalid("缺少 sha256 校验和", field="checksum")
    if content_checksum(content) != checksum:
        raise ScoringError(
            "model_tampered",
            "评分卡文件的校验和不符：文件在生成后被修改过，不能使用。",
            {"field": "checksum"},
        )
    return content, checksum
