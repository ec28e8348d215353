"""What single logout needs to remember of a SAML sign-in, sealed in the hosted session: the
provider and the entity ID of the IdP that signed the user in, the NameID as the assertion gave
it (value, Format, NameQualifier, SPNameQualifier) and the first AuthnStatement's SessionIndex,
which a LogoutRequest names (saml-core-2.0-os §3.7.1; Cognito matches the SessionIndex of the
first AuthnStatement). The entity ID keeps the NameID from going to another IdP that the
provider's name has come to stand for since."""

from __future__ import annotations

from dataclasses import dataclass

import orjson

from cognitio.documents import DocumentError, JsonObject, JsonValue, text_member

# What a sign-on may add to the hosted session cookie, as JSON: browsers keep cookies of up to
# 4096 bytes, and the sealed session is base64. A sign-on larger than this (a NameID of
# kilobytes) is not remembered, and /logout then ends the pool's session only.
MAX_SIGN_ON_BYTES = 2048


@dataclass(frozen=True, slots=True)
class SamlSignOn:
    """What single logout needs from a SAML sign-in (saml-core-2.0-os §3.7.1)."""

    provider_name: str
    name_id: str
    # The IdP's entity ID (the assertion's Issuer); None in a session that did not record it.
    issuer: str | None = None
    name_id_format: str | None = None
    name_qualifier: str | None = None
    sp_name_qualifier: str | None = None
    session_index: str | None = None

    def document(self) -> JsonObject | None:
        """The sign-on as the hosted session seals it; None when it is too large to keep."""
        document: JsonObject = {
            "p": self.provider_name,
            "n": self.name_id,
            "e": self.issuer,
            "f": self.name_id_format,
            "q": self.name_qualifier,
            "s": self.sp_name_qualifier,
            "i": self.session_index,
        }
        if len(orjson.dumps(document)) > MAX_SIGN_ON_BYTES:
            return None
        return document

    @classmethod
    def from_document(cls, value: JsonValue) -> SamlSignOn | None:
        """The sign-on a sealed session holds, or None (none, or not one this server wrote)."""
        if not isinstance(value, dict):
            return None
        try:
            provider_name = text_member(value, "p")
            name_id = text_member(value, "n")
            if not provider_name or not name_id:
                return None
            return cls(
                provider_name=provider_name,
                name_id=name_id,
                issuer=text_member(value, "e"),
                name_id_format=text_member(value, "f"),
                name_qualifier=text_member(value, "q"),
                sp_name_qualifier=text_member(value, "s"),
                session_index=text_member(value, "i"),
            )
        except DocumentError:
            return None
