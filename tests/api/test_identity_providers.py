"""Identity providers: the IdP operations, Cognito's checks per type, SAML metadata, sealed
secrets, identifiers, GetSigningCertificate, and app clients that list providers."""

from __future__ import annotations

import base64
import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from botocore.exceptions import ClientError
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from tests.conftest import client
from tests.helpers.errors import error_of
from tests.server import ServerProcess

STAND_IN = "http://127.0.0.1:9"  # never called: the operations only show it


def _certificate(days: int = 365, name: str = "test-idp") -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=400))
        .not_valid_after(now + dt.timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


def metadata(certificate: str | None = None, *, doctype: str = "", redirect: bool = True) -> str:
    binding = "HTTP-Redirect" if redirect else "HTTP-POST"
    return (
        f'<?xml version="1.0"?>{doctype}'
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
        'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="urn:example:idp">'
        '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        '<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>'
        f"{certificate or _certificate()}"
        "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        '<md:SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
        'Location="https://idp.example/slo"/>'
        f'<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:{binding}" '
        'Location="https://idp.example/sso"/>'
        "</md:IDPSSODescriptor></md:EntityDescriptor>"
    )


def _apple_key() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


GOOGLE = {"client_id": "g-id", "client_secret": "g-secret-value", "authorize_scopes": "openid"}
OIDC = {
    "client_id": "o-id",
    "client_secret": "o-secret-value",
    "authorize_scopes": "openid email",
    "attributes_request_method": "GET",
    "oidc_issuer": "https://issuer.example.com",
}


@pytest.fixture(scope="module")
def metadata_site() -> Iterator[str]:
    """A loopback HTTP server answering SAML metadata at /metadata."""
    document = metadata().encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status = 200 if self.path == "/metadata" else 404
            self.send_response(status)
            self.send_header("Content-Type", "application/samlmetadata+xml")
            self.end_headers()
            if status == 200:
                self.wfile.write(document)

        def log_message(self, *args: Any) -> None:
            return None

    site = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{site.server_address[1]}"
    site.shutdown()
    site.server_close()


@pytest.fixture(scope="module")
def local_server(backend: str, make_server: Any) -> ServerProcess:
    """A server that allows loopback IdPs and points Google at a stand-in."""
    process: ServerProcess = make_server(
        backend,
        extra_env={
            "COGNITIO_FEDERATION_ALLOW_INSECURE": "1",
            "COGNITIO_FEDERATION_ENDPOINTS": json.dumps({"Google": STAND_IN}),
        },
    )
    process.start()
    return process


@pytest.fixture
def local(local_server: ServerProcess) -> Any:
    return client("cognito-idp", local_server.url)


def _pool(idp: Any, **options: Any) -> str:
    return str(idp.create_user_pool(PoolName="federated", **options)["UserPool"]["Id"])


def _error(call: Any, **params: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as excinfo:
        call(**params)
    return error_of(excinfo)


def test_a_google_provider_is_created_shown_updated_listed_and_deleted(idp: Any) -> None:
    pool_id = _pool(idp)
    created = idp.create_identity_provider(
        UserPoolId=pool_id,
        ProviderName="Google",
        ProviderType="Google",
        ProviderDetails=GOOGLE,
        AttributeMapping={"email": "email"},
    )["IdentityProvider"]
    details = created["ProviderDetails"]
    assert details["client_secret"] == "g-secret-value"  # echoed, as Cognito does
    assert details["authorize_url"] == "https://accounts.google.com/o/oauth2/v2/auth"
    assert details["token_url"] == "https://www.googleapis.com/oauth2/v4/token"
    assert details["token_request_method"] == "POST"
    assert details["attributes_url_add_attributes"] == "true"
    assert details["oidc_issuer"] == "https://accounts.google.com"
    assert created["AttributeMapping"] == {"email": "email", "username": "sub"}
    assert created["IdpIdentifiers"] == []
    described = idp.describe_identity_provider(UserPoolId=pool_id, ProviderName="Google")
    assert described["IdentityProvider"] == created

    updated = idp.update_identity_provider(
        UserPoolId=pool_id,
        ProviderName="Google",
        ProviderDetails={**details, "authorize_scopes": "openid email profile"},
        IdpIdentifiers=["gmail.com"],
    )["IdentityProvider"]
    assert updated["ProviderDetails"]["client_id"] == "g-id"
    assert updated["ProviderDetails"]["authorize_scopes"] == "openid email profile"
    assert updated["ProviderType"] == "Google"
    assert updated["LastModifiedDate"] > created["LastModifiedDate"]
    found = idp.get_identity_provider_by_identifier(UserPoolId=pool_id, IdpIdentifier="gmail.com")
    assert found["IdentityProvider"]["ProviderName"] == "Google"

    listed = idp.list_identity_providers(UserPoolId=pool_id)["Providers"]
    assert [(p["ProviderName"], p["ProviderType"]) for p in listed] == [("Google", "Google")]
    assert "ProviderDetails" not in listed[0]

    idp.delete_identity_provider(UserPoolId=pool_id, ProviderName="Google")
    for call in (idp.describe_identity_provider, idp.delete_identity_provider):
        code, _ = _error(call, UserPoolId=pool_id, ProviderName="Google")
        assert code == "ResourceNotFoundException"
    code, _ = _error(
        idp.get_identity_provider_by_identifier, UserPoolId=pool_id, IdpIdentifier="gmail.com"
    )
    assert code == "ResourceNotFoundException"


def test_each_social_type_shows_its_fixed_endpoints(idp: Any) -> None:
    pool_id = _pool(idp)
    facebook = idp.create_identity_provider(
        UserPoolId=pool_id,
        ProviderName="Facebook",
        ProviderType="Facebook",
        ProviderDetails={
            "client_id": "f",
            "client_secret": "fs",
            "authorize_scopes": "public_profile, email",
            "api_version": "v18.0",
        },
    )["IdentityProvider"]["ProviderDetails"]
    assert facebook["authorize_url"] == "https://www.facebook.com/v18.0/dialog/oauth"
    assert facebook["token_url"] == "https://graph.facebook.com/v18.0/oauth/access_token"
    assert facebook["token_request_method"] == "GET"
    assert facebook["attributes_url"] == "https://graph.facebook.com/v18.0/me?fields="
    amazon = idp.create_identity_provider(
        UserPoolId=pool_id,
        ProviderName="LoginWithAmazon",
        ProviderType="LoginWithAmazon",
        ProviderDetails={"client_id": "a", "client_secret": "as", "authorize_scopes": "profile"},
    )["IdentityProvider"]
    assert amazon["ProviderDetails"]["attributes_url"] == "https://api.amazon.com/user/profile"
    assert amazon["AttributeMapping"] == {"username": "user_id"}
    oidc = idp.create_identity_provider(
        UserPoolId=pool_id, ProviderName="Corp", ProviderType="OIDC", ProviderDetails=OIDC
    )["IdentityProvider"]["ProviderDetails"]
    assert oidc["attributes_url_add_attributes"] == "false"
    assert "authorize_url" not in oidc  # discovered at the issuer, not written here


def test_apple_private_key_is_never_shown_and_secrets_are_sealed_at_rest(
    local: Any, local_server: ServerProcess
) -> None:
    pool_id = _pool(local)
    private_key = _apple_key()
    apple = local.create_identity_provider(
        UserPoolId=pool_id,
        ProviderName="SignInWithApple",
        ProviderType="SignInWithApple",
        ProviderDetails={
            "client_id": "com.example.web",
            "team_id": "TEAM123456",
            "key_id": "KEY1234567",
            "private_key": private_key,
            "authorize_scopes": "email name",
        },
    )["IdentityProvider"]
    assert "private_key" not in apple["ProviderDetails"]
    assert apple["ProviderDetails"]["oidc_issuer"] == "https://appleid.apple.com"
    google = local.create_identity_provider(
        UserPoolId=pool_id, ProviderName="Google", ProviderType="Google", ProviderDetails=GOOGLE
    )["IdentityProvider"]["ProviderDetails"]
    # The configured stand-in replaces Google's hosts; paths stay.
    assert google["authorize_url"] == f"{STAND_IN}/o/oauth2/v2/auth"
    assert google["attributes_url"] == f"{STAND_IN}/v1/people/me?personFields="
    assert google["oidc_issuer"] == STAND_IN
    # An update that leaves the key out keeps it.
    local.update_identity_provider(
        UserPoolId=pool_id, ProviderName="SignInWithApple", ProviderDetails={"key_id": "KEY2"}
    )
    if local_server.database_url:
        return  # the row check reads the SQLite file
    with sqlite3.connect(local_server.data_dir / "cognitio.db") as db:
        rows = db.execute(
            "SELECT name, details, secrets_sealed FROM identity_providers WHERE pool_id = ?",
            (pool_id,),
        ).fetchall()
    assert len(rows) == 2
    for _name, details, sealed in rows:
        assert "client_secret" not in details and "private_key" not in details
        assert sealed is not None
        assert b"g-secret-value" not in sealed and b"PRIVATE KEY" not in sealed
    assert "KEY2" in dict((n, d) for n, d, _ in rows)["SignInWithApple"]


@pytest.mark.parametrize(
    ("name", "provider_type", "details", "message"),
    [
        ("NameOfGP", "Google", GOOGLE, "Provider NameOfGP cannot be of type Google"),
        ("Google", "OIDC", OIDC, "Provider Google cannot be of type OIDC"),
        ("Google", "Google", {"client_id": "x", "authorize_scopes": "openid"}, "client_secret"),
        ("Google", "Google", {**GOOGLE, "colour": "blue"}, "colour"),
        ("Corp", "OIDC", {**OIDC, "oidc_issuer": "https://issuer.example.com/"}, "slash"),
        ("Corp", "OIDC", {**OIDC, "oidc_issuer": "http://issuer.example.com"}, "https"),
        ("Corp", "OIDC", {**OIDC, "oidc_issuer": "https://127.0.0.1:8443"}, "https"),
        ("Corp", "OIDC", {**OIDC, "authorize_scopes": "email"}, "openid"),
        ("Corp", "OIDC", {**OIDC, "attributes_request_method": "PUT"}, "GET or POST"),
        ("Facebook", "Facebook", {**GOOGLE, "api_version": "latest"}, "api_version"),
        (
            "SignInWithApple",
            "SignInWithApple",
            {
                "client_id": "c",
                "team_id": "t",
                "key_id": "k",
                "private_key": "not a key",
                "authorize_scopes": "email",
            },
            "private_key",
        ),
        ("Sso", "SAML", {}, "Exactly one of MetadataFile and MetadataURL"),
        (
            "Sso",
            "SAML",
            {"MetadataFile": metadata(), "MetadataURL": "https://idp.example/md"},
            "Exactly one",
        ),
        ("Sso", "SAML", {"MetadataFile": metadata(), "IDPSignout": "yes"}, "IDPSignout"),
        (
            "Sso",
            "SAML",
            {"MetadataFile": metadata(), "RequestSigningAlgorithm": "rsa-sha1"},
            "rsa-sha256",
        ),
        ("Sso", "SAML", {"MetadataFile": "<not xml"}, "not well-formed"),
        ("Sso", "SAML", {"MetadataFile": metadata(redirect=False)}, "HTTP-Redirect"),
        ("Sso", "SAML", {"MetadataFile": metadata(_certificate(days=-1))}, "expired"),
        (
            "Sso",
            "SAML",
            {"MetadataFile": metadata(doctype='<!DOCTYPE md [<!ENTITY x "y">]>')},
            "DTD",
        ),
        ("Sso", "SAML", {"MetadataURL": "http://127.0.0.1:9/metadata"}, "https"),
    ],
)
def test_bad_provider_details_are_invalid_parameters(
    idp: Any, name: str, provider_type: str, details: dict[str, str], message: str
) -> None:
    pool_id = _pool(idp)
    code, text = _error(
        idp.create_identity_provider,
        UserPoolId=pool_id,
        ProviderName=name,
        ProviderType=provider_type,
        ProviderDetails=details,
    )
    assert code == "InvalidParameterException"
    assert message in text


def test_attribute_mapping_names_mutable_pool_attributes(idp: Any) -> None:
    pool_id = _pool(
        idp,
        Schema=[{"Name": "fixed", "AttributeDataType": "String", "Mutable": False}],
    )
    for mapping, message in (
        ({"nickname2": "nick"}, "not an attribute of the user pool"),
        ({"custom:fixed": "x"}, "not mutable"),
        ({"identities": "identities"}, "kept by the user pool"),
    ):
        code, text = _error(
            idp.create_identity_provider,
            UserPoolId=pool_id,
            ProviderName="Google",
            ProviderType="Google",
            ProviderDetails=GOOGLE,
            AttributeMapping=mapping,
        )
        assert code == "InvalidParameterException"
        assert message in text


def test_names_and_identifiers_are_unique_in_a_pool(idp: Any) -> None:
    pool_id = _pool(idp)
    idp.create_identity_provider(
        UserPoolId=pool_id,
        ProviderName="Corp",
        ProviderType="OIDC",
        ProviderDetails=OIDC,
        IdpIdentifiers=["corp.example", "corp"],
    )
    code, _ = _error(
        idp.create_identity_provider,
        UserPoolId=pool_id,
        ProviderName="Corp",
        ProviderType="OIDC",
        ProviderDetails=OIDC,
    )
    assert code == "DuplicateProviderException"
    code, _ = _error(
        idp.create_identity_provider,
        UserPoolId=pool_id,
        ProviderName="Other",
        ProviderType="OIDC",
        ProviderDetails=OIDC,
        IdpIdentifiers=["corp"],
    )
    assert code == "DuplicateProviderException"
    code, _ = _error(
        idp.create_identity_provider,
        UserPoolId=pool_id,
        ProviderName="Other",
        ProviderType="OIDC",
        ProviderDetails=OIDC,
        IdpIdentifiers=["same", "same"],
    )
    assert code == "InvalidParameterException"
    # Nothing of the refused providers was kept.
    listed = idp.list_identity_providers(UserPoolId=pool_id)["Providers"]
    assert [p["ProviderName"] for p in listed] == ["Corp"]


def test_two_creations_of_one_name_at_once_make_one_provider(idp: Any, server: Any) -> None:
    pool_id = _pool(idp)
    clients = [client("cognito-idp", server.url) for _ in range(2)]

    def create(index: int) -> str:
        try:
            clients[index].create_identity_provider(
                UserPoolId=pool_id,
                ProviderName="Corp",
                ProviderType="OIDC",
                ProviderDetails=OIDC,
                IdpIdentifiers=["corp"],
            )
        except ClientError as error:
            return str(error.response["Error"]["Code"])
        return "created"

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(create, range(2)))
    assert outcomes == ["DuplicateProviderException", "created"]


def test_providers_are_listed_in_pages(idp: Any) -> None:
    pool_id = _pool(idp)
    for name in ("c", "a", "b"):
        idp.create_identity_provider(
            UserPoolId=pool_id, ProviderName=f"Idp{name}", ProviderType="OIDC", ProviderDetails=OIDC
        )
    first = idp.list_identity_providers(UserPoolId=pool_id, MaxResults=2)
    assert [p["ProviderName"] for p in first["Providers"]] == ["Idpa", "Idpb"]
    rest = idp.list_identity_providers(
        UserPoolId=pool_id, MaxResults=2, NextToken=first["NextToken"]
    )
    assert [p["ProviderName"] for p in rest["Providers"]] == ["Idpc"]
    assert "NextToken" not in rest


def test_a_saml_provider_reads_its_metadata_and_may_encrypt(idp: Any) -> None:
    pool_id = _pool(idp)
    saml = idp.create_identity_provider(
        UserPoolId=pool_id,
        ProviderName="Sso",
        ProviderType="SAML",
        ProviderDetails={"MetadataFile": metadata(), "IDPSignout": "true"},
        AttributeMapping={"email": "http://schemas.xmlsoap.org/claims/emailaddress"},
    )["IdentityProvider"]
    details = saml["ProviderDetails"]
    assert details["SSORedirectBindingURI"] == "https://idp.example/sso"
    assert details["SLORedirectBindingURI"] == "https://idp.example/slo"
    assert "ActiveEncryptionCertificate" not in details
    assert saml["AttributeMapping"]["username"] == "NameID"
    encrypted = idp.update_identity_provider(
        UserPoolId=pool_id, ProviderName="Sso", ProviderDetails={"EncryptedResponses": "true"}
    )["IdentityProvider"]["ProviderDetails"]
    certificate = x509.load_der_x509_certificate(
        base64.b64decode(encrypted["ActiveEncryptionCertificate"])
    )
    assert certificate.not_valid_after_utc > dt.datetime.now(dt.UTC)
    assert all("PRIVATE" not in value for value in encrypted.values())
    again = idp.update_identity_provider(
        UserPoolId=pool_id, ProviderName="Sso", ProviderDetails={"IDPInit": "true"}
    )["IdentityProvider"]["ProviderDetails"]
    assert again["ActiveEncryptionCertificate"] == encrypted["ActiveEncryptionCertificate"]
    assert again["IDPSignout"] == "true"


def test_a_saml_metadata_url_is_fetched_when_loopback_is_allowed(
    local: Any, metadata_site: str
) -> None:
    pool_id = _pool(local)
    saml = local.create_identity_provider(
        UserPoolId=pool_id,
        ProviderName="Sso",
        ProviderType="SAML",
        ProviderDetails={"MetadataURL": f"{metadata_site}/metadata"},
    )["IdentityProvider"]["ProviderDetails"]
    assert saml["MetadataURL"] == f"{metadata_site}/metadata"
    assert saml["SSORedirectBindingURI"] == "https://idp.example/sso"
    code, text = _error(
        local.create_identity_provider,
        UserPoolId=pool_id,
        ProviderName="Missing",
        ProviderType="SAML",
        ProviderDetails={"MetadataURL": f"{metadata_site}/nothing"},
    )
    assert (code, "HTTP 404" in text) == ("InvalidParameterException", True)


def test_the_pool_signing_certificate_is_made_once(idp: Any) -> None:
    pool_id = _pool(idp)
    first = idp.get_signing_certificate(UserPoolId=pool_id)["Certificate"]
    assert idp.get_signing_certificate(UserPoolId=pool_id)["Certificate"] == first
    certificate = x509.load_der_x509_certificate(base64.b64decode(first))
    lifetime = certificate.not_valid_after_utc - certificate.not_valid_before_utc
    assert lifetime > dt.timedelta(days=3650 - 1)
    public_key = certificate.public_key()
    assert isinstance(public_key, rsa.RSAPublicKey) and public_key.key_size == 2048
    other = idp.get_signing_certificate(UserPoolId=_pool(idp))["Certificate"]
    assert other != first


def test_app_clients_list_the_pools_providers_and_lose_deleted_ones(idp: Any) -> None:
    pool_id = _pool(idp)
    code, text = _error(
        idp.create_user_pool_client,
        UserPoolId=pool_id,
        ClientName="web",
        SupportedIdentityProviders=["COGNITO", "Corp"],
    )
    assert (code, text) == (
        "InvalidParameterException",
        f"The provider Corp does not exist for User Pool {pool_id}",
    )
    idp.create_identity_provider(
        UserPoolId=pool_id, ProviderName="Corp", ProviderType="OIDC", ProviderDetails=OIDC
    )
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id, ClientName="web", SupportedIdentityProviders=["COGNITO", "Corp"]
    )["UserPoolClient"]["ClientId"]
    idp.delete_identity_provider(UserPoolId=pool_id, ProviderName="Corp")
    described = idp.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    assert described["UserPoolClient"]["SupportedIdentityProviders"] == ["COGNITO"]


def test_provider_operations_on_an_unknown_pool_are_not_found(idp: Any) -> None:
    code, _ = _error(idp.list_identity_providers, UserPoolId="us-east-1_nothere00")
    assert code == "ResourceNotFoundException"
    code, _ = _error(idp.get_signing_certificate, UserPoolId="us-east-1_nothere00")
    assert code == "ResourceNotFoundException"
