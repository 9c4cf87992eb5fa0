"""The signed code on a permit: Ed25519 over a short payload, checkable offline with
the published public key (the pretix "signature scheme" idea; docs/decisions/0019-*.md).

    BP1.<key id>.<payload, base64url>.<signature, base64url>

The payload is compact JSON: {"n": number, "p": plate, "z": zone slug, "f": valid from,
"u": valid until}. The key id names the key, so keys can be rotated and old permits still
verify while their key is published.
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass
from datetime import date

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

PREFIX = "BP1"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class KeyPair:
    key_id: str
    private: str  # raw 32 bytes, base64
    public: str  # raw 32 bytes, base64


def keypair_new() -> KeyPair:
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return KeyPair(
        key_id=secrets.token_hex(4),
        private=base64.b64encode(private).decode("ascii"),
        public=base64.b64encode(public).decode("ascii"),
    )


@dataclass(frozen=True)
class PermitClaims:
    number: str
    plate: str
    zone: str
    valid_from: date
    valid_until: date

    def payload(self) -> bytes:
        data = {
            "n": self.number,
            "p": self.plate,
            "z": self.zone,
            "f": self.valid_from.isoformat(),
            "u": self.valid_until.isoformat(),
        }
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def code_sign(claims: PermitClaims, *, key_id: str, private_key: str) -> str:
    key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(private_key))
    payload = claims.payload()
    return ".".join((PREFIX, key_id, _b64(payload), _b64(key.sign(payload))))


class CodeInvalid(ValueError):
    pass


def code_key_id(code: str) -> str:
    parts = (code or "").strip().split(".")
    if len(parts) != 4 or parts[0] != PREFIX:
        raise CodeInvalid("not a permit code")
    return parts[1]


def code_verify(code: str, *, public_key: str) -> PermitClaims:
    """The claims of a genuine code, or CodeInvalid."""
    _prefix, _key_id, payload_text, signature_text = code.strip().split(".")
    try:
        payload, signature = _unb64(payload_text), _unb64(signature_text)
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key))
        key.verify(signature, payload)
        data = json.loads(payload)
        return PermitClaims(
            number=data["n"],
            plate=data["p"],
            zone=data["z"],
            valid_from=date.fromisoformat(data["f"]),
            valid_until=date.fromisoformat(data["u"]),
        )
    except (InvalidSignature, ValueError, KeyError, TypeError) as error:
        raise CodeInvalid("signature does not verify") from error
