"""Errors that reach the wire, one class per AWS exception name.

The class name is the ``__type`` a client sees; boto3 turns it into
``client.exceptions.<Name>``. The tree::

    CognitoError                      HTTP 400 unless a subclass says otherwise
    +-- <every exception shape of cognito-idp and cognito-identity>
    |   +-- InternalErrorException    HTTP 500 (a fault in botocore's model)
    +-- protocol errors of the AWS JSON 1.1 front door:
        SerializationException, UnknownOperationException,
        MissingAuthenticationTokenException, IncompleteSignatureException,
        InvalidSignatureException, UnrecognizedClientException,
        ValidationException (cognito-identity's answer to input the model refuses)

The OAuth 2.0 endpoints raise their own tree, answered as RFC 6749 section 5.2 JSON
(``{"error": ..., "error_description": ...}``)::

    OAuthError                        HTTP 400 unless a subclass says otherwise
    +-- InvalidRequest, InvalidGrant, UnauthorizedClient, UnsupportedGrantType, InvalidScope,
    |   UnsupportedTokenType, UnsupportedResponseType, LoginRequired
    +-- InvalidClient                 HTTP 401
    +-- InvalidToken                  HTTP 401 (RFC 6750, the userInfo endpoint)
"""

from __future__ import annotations


class CognitoError(Exception):
    """An error answered as ``{"__type": <class name>, "message": ...}``."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    @property
    def code(self) -> str:
        return type(self).__name__


# Exception shapes of botocore's cognito-idp and cognito-identity models.


class AccessDeniedException(CognitoError):
    pass


class AliasExistsException(CognitoError):
    pass


class CachedCIMDURLDoesNotExistException(CognitoError):
    pass


class CodeDeliveryFailureException(CognitoError):
    pass


class CodeMismatchException(CognitoError):
    pass


class ConcurrentModificationException(CognitoError):
    pass


class DeveloperUserAlreadyRegisteredException(CognitoError):
    pass


class DeviceKeyExistsException(CognitoError):
    pass


class DuplicateProviderException(CognitoError):
    pass


class EnableSoftwareTokenMFAException(CognitoError):
    pass


class ExpiredCodeException(CognitoError):
    pass


class ExternalServiceException(CognitoError):
    pass


class FeatureUnavailableInTierException(CognitoError):
    pass


class ForbiddenException(CognitoError):
    pass


class GroupExistsException(CognitoError):
    pass


class InternalErrorException(CognitoError):
    status = 500


class InternalServerException(CognitoError):
    status = 500


class InvalidEmailRoleAccessPolicyException(CognitoError):
    pass


class InvalidIdentityPoolConfigurationException(CognitoError):
    pass


class InvalidLambdaResponseException(CognitoError):
    pass


class InvalidOAuthFlowException(CognitoError):
    pass


class InvalidParameterException(CognitoError):
    pass


class InvalidPasswordException(CognitoError):
    pass


class InvalidSmsRoleAccessPolicyException(CognitoError):
    pass


class InvalidSmsRoleTrustRelationshipException(CognitoError):
    pass


class InvalidUserPoolConfigurationException(CognitoError):
    pass


class LimitExceededException(CognitoError):
    pass


class MFAMethodNotFoundException(CognitoError):
    pass


class ManagedLoginBrandingExistsException(CognitoError):
    pass


class NotAuthorizedException(CognitoError):
    pass


class OperationNotEnabledException(CognitoError):
    pass


class PasswordHistoryPolicyViolationException(CognitoError):
    pass


class PasswordResetRequiredException(CognitoError):
    pass


class PreconditionNotMetException(CognitoError):
    pass


class RefreshTokenReuseException(CognitoError):
    pass


class ResourceConflictException(CognitoError):
    pass


class ResourceNotFoundException(CognitoError):
    pass


class ScopeDoesNotExistException(CognitoError):
    pass


class ServiceQuotaExceededException(CognitoError):
    pass


class SoftwareTokenMFANotFoundException(CognitoError):
    pass


class TermsExistsException(CognitoError):
    pass


class TierChangeNotAllowedException(CognitoError):
    pass


class TooManyFailedAttemptsException(CognitoError):
    pass


class TooManyRequestsException(CognitoError):
    pass


class UnauthorizedException(CognitoError):
    pass


class UnexpectedLambdaException(CognitoError):
    pass


class UnsupportedIdentityProviderException(CognitoError):
    pass


class UnsupportedOperationException(CognitoError):
    pass


class UnsupportedTokenTypeException(CognitoError):
    pass


class UnsupportedUserStateException(CognitoError):
    pass


class UserImportInProgressException(CognitoError):
    pass


class UserLambdaValidationException(CognitoError):
    pass


class UserNotConfirmedException(CognitoError):
    pass


class UserNotFoundException(CognitoError):
    pass


class UserPoolAddOnNotEnabledException(CognitoError):
    pass


class UserPoolTaggingException(CognitoError):
    pass


class UsernameExistsException(CognitoError):
    pass


class WebAuthnChallengeNotFoundException(CognitoError):
    pass


class WebAuthnClientMismatchException(CognitoError):
    pass


class WebAuthnConfigurationMissingException(CognitoError):
    pass


class WebAuthnCredentialNotSupportedException(CognitoError):
    pass


class WebAuthnNotEnabledException(CognitoError):
    pass


class WebAuthnOriginNotAllowedException(CognitoError):
    pass


class WebAuthnRelyingPartyMismatchException(CognitoError):
    pass


# The AWS JSON 1.1 front door: raised before an operation is known or trusted.


class SerializationException(CognitoError):
    pass


class UnknownOperationException(CognitoError):
    pass


class MissingAuthenticationTokenException(CognitoError):
    status = 403


class IncompleteSignatureException(CognitoError):
    pass


class InvalidSignatureException(CognitoError):
    pass


class UnrecognizedClientException(CognitoError):
    pass


class ValidationException(CognitoError):
    """cognito-identity answers input its model refuses with this name, where cognito-idp
    says InvalidParameterException; the message has the same Coral form."""


def by_name(name: str) -> type[CognitoError]:
    """The class for an AWS exception name (used by tests and generic handlers)."""
    found = globals().get(name)
    if isinstance(found, type) and issubclass(found, CognitoError):
        return found
    raise KeyError(name)


class OAuthError(Exception):
    """An error of the OAuth 2.0 endpoints; ``error`` is the RFC 6749 code."""

    error = "invalid_request"
    status = 400

    def __init__(self, description: str = "") -> None:
        super().__init__(description)
        self.description = description

    def headers(self) -> dict[str, str]:
        """HTTP headers the answer carries besides its JSON body."""
        return {}


class InvalidRequest(OAuthError):
    error = "invalid_request"


class InvalidClient(OAuthError):
    error = "invalid_client"
    status = 401

    def headers(self) -> dict[str, str]:
        """RFC 6749 section 5.2: a 401 names the authentication scheme the client should use."""
        return {"WWW-Authenticate": 'Basic realm="cognitio"'}


class InvalidGrant(OAuthError):
    error = "invalid_grant"


class UnauthorizedClient(OAuthError):
    error = "unauthorized_client"


class UnsupportedGrantType(OAuthError):
    error = "unsupported_grant_type"


class UnsupportedResponseType(OAuthError):
    error = "unsupported_response_type"


class InvalidScope(OAuthError):
    error = "invalid_scope"


class UnsupportedTokenType(OAuthError):
    error = "unsupported_token_type"


class LoginRequired(OAuthError):
    """OpenID Connect Core 3.1.2.6: prompt=none, and nobody is signed in."""

    error = "login_required"


class InvalidToken(OAuthError):
    error = "invalid_token"
    status = 401

    def headers(self) -> dict[str, str]:
        """RFC 6750 section 3: the Bearer challenge of a refused access token."""
        return {
            "WWW-Authenticate": f'Bearer error="invalid_token", error_description="{self.error}"'
        }
