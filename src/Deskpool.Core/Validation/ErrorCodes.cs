namespace Deskpool.Core.Validation;

/// <summary>
/// Stable error codes. Codes the public Workspace API documents keep their meaning; the rest
/// follow its <c>WKS.</c> shape and never change once released (docs/api.md lists them).
/// </summary>
public static class ErrorCodes
{
    /// <summary>The body is missing, is not JSON, or a field has the wrong JSON type.</summary>
    public const string MalformedBody = "WKS.0001";

    public const string FieldRequired = "WKS.0002";
    public const string FieldOutOfRange = "WKS.0003";
    public const string FieldFormat = "WKS.0004";
    public const string FieldNotAllowed = "WKS.0005";
    public const string IncompatibleChoice = "WKS.0006";
    public const string UnknownReference = "WKS.0007";
    public const string QuotaExceeded = "WKS.0008";
    public const string NameTaken = "WKS.0009";
    public const string NamesExhausted = "WKS.0010";

    /// <summary>A desktop could not get an address: its pool's subnets are full.</summary>
    public const string SubnetExhausted = "WKS.0011";

    /// <summary>A worker gave up on a sub-job after repeated unexpected errors.</summary>
    public const string RetriesExhausted = "WKS.0012";

    public const string EmailTaken = "WKS.0013";
    public const string ActivationInvalid = "WKS.0014";
    public const string ActivationExpired = "WKS.0015";
    public const string ActivationUsed = "WKS.0016";
    public const string PermissionGroupMismatch = "WKS.0017";
    public const string SignInFailed = "WKS.0018";
    public const string PasswordChangeDisabled = "WKS.0019";
    public const string ImportNotFound = "WKS.00180404";
    public const string AccountBlocked = "WKS.0020";

    public const string AccountLocked = "WKS.0021";
    public const string AccountDisabled = "WKS.0022";
    public const string AccountExpired = "WKS.0023";
    public const string AccountNotActivated = "WKS.0024";
    public const string PasswordChangeRequired = "WKS.0025";

    /// <summary>
    /// Too many failed sign-ins in a row, or too many requests in a rate-limit window: wait for the
    /// time Retry-After gives.
    /// </summary>
    public const string TooManyAttempts = "WKS.0429";

    public const string PoolInMaintenance = "WKS.0026";

    /// <summary>No desktop can be handed out now (all in use, maximum or quota reached, scaling paused).</summary>
    public const string NoDesktopAvailable = "WKS.0027";

    /// <summary>The user holds no desktop of the pool (disconnect, log off, unassign).</summary>
    public const string NotBound = "WKS.0028";

    public const string TicketInvalid = "WKS.0029";
    public const string AlreadyBound = "WKS.0030";

    /// <summary>User not found (the code the public API uses, with 404 here).</summary>
    public const string UserNotFound = "WKS.00170312";

    /// <summary>User group not found (the code the public API uses, with 404 here).</summary>
    public const string UserGroupNotFound = "WKS.00170208";

    public const string PoolNotFound = "WKS.00020404";
    public const string JobNotFound = "WKS.00060404";
    public const string NamingPolicyNotFound = "WKS.00050404";
    public const string DesktopNotFound = "WKS.00030404";
    public const string AccessKeyNotFound = "WKS.00190404";

    /// <summary>Operation conflict: the state of the resource forbids the action.</summary>
    public const string StateConflict = "WKS.00010032";

    /// <summary>The service has not been authorised on the tenant (first use).</summary>
    public const string ServiceNotAuthorized = "WKS.00010099";

    public const string ProjectMismatch = "WKS.0403";

    /// <summary>The credential is confined to an enterprise project, and the request reaches outside it.</summary>
    public const string OutsideEnterpriseProject = "WKS.0040";
    public const string RequestTooLarge = "WKS.0413";
    public const string InternalError = "WKS.0500";

    /// <summary>Missing or invalid credential (the gateway code clients already handle).</summary>
    public const string Unauthenticated = "APIG.0301";

    /// <summary>A signed request whose X-Sdk-Date is more than 15 minutes from the server's clock.</summary>
    public const string SignatureExpired = "APIG.0303";

    public const string NoSuchRoute = "APIGW.0101";
}
