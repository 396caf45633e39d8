namespace Deskpool.Cli.Api;

// The client's own view of the wire shapes: only the fields it shows or needs, snake_case on the wire.
// JSON output never goes through these records, so fields left out here are still printed there.

internal sealed record JobIdReply(string JobId);

internal sealed record IdReply(string Id);

internal sealed record PolicyIdReply(string PolicyId);

internal sealed record ProductSummary(string ProductId, string? Cpu, string? Memory);

internal sealed record Pool(
    string Id,
    string Name,
    string Type,
    string Status,
    int DesktopCount,
    int DesktopUsed,
    string? ImageName,
    string? ImageOsType,
    ProductSummary? Product,
    string? AvailabilityZone,
    bool InMaintenanceMode,
    string? Description,
    string? CreatedTime,
    string? LastJobId,
    string? FailReason,
    int ErrorDesktopNum);

internal sealed record PoolList(int TotalCount, IReadOnlyList<Pool> DesktopPools);

internal sealed record PoolDesktop(
    string DesktopId,
    string ComputerName,
    string Status,
    string? Ipv4,
    string? AvailabilityZone,
    string? LoginStatus,
    string? ErrorCode,
    string? FailReason);

internal sealed record PoolDesktopList(int TotalCount, IReadOnlyList<PoolDesktop> PoolDesktops);

internal sealed record SubJob(
    string Id, string Status, string? DesktopName, string? ErrorCode, string? FailReason, string? IpAddress);

internal sealed record Job(
    string Id,
    string JobType,
    string Status,
    string? Result,
    string? FailReason,
    string? DesktopPoolId,
    int Process,
    int SubJobsTotal,
    int SuccessNum,
    int FailNum,
    int PendingNum,
    string? BeginTime,
    string? EndTime,
    IReadOnlyList<SubJob>? SubJobs)
{
    public bool IsOver => Status is "SUCCESS" or "FAIL" or "COMPLETE";
}

internal sealed record User(
    string Id,
    string UserName,
    string? UserEmail,
    string? ActiveType,
    bool Activated,
    bool Locked,
    bool Disabled,
    string? Description,
    IReadOnlyList<string>? GroupNames);

internal sealed record UserList(int TotalCount, IReadOnlyList<User> Users);

internal sealed record UserDetail(
    string Id,
    string UserName,
    string? UserEmail,
    string? UserPhone,
    string? ActiveType,
    string? Description,
    long AccountExpires,
    bool IsPreUser,
    bool Locked,
    bool Disabled,
    IReadOnlyList<string>? GroupNames,
    string? WhenCreated);

internal sealed record UserDetailReply(UserDetail UserDetail);

internal sealed record Group(string Id, string Name, string PlatformType, string? Description, int UserQuantity);

internal sealed record GroupList(int TotalCount, IReadOnlyList<Group> UserGroups);

internal sealed record NamingPolicy(
    string PolicyId, string PolicyName, string NamePrefix, int DigitNumber, int StartNumber, bool IsDefaultPolicy);

internal sealed record NamingPolicyList(int TotalCount, IReadOnlyList<NamingPolicy> DesktopNamePolicyInfos);

internal sealed record Product(
    string ProductId, string? Type, string? Architecture, string? Cpu, string? Memory, string? PackageType,
    string? Descriptions, IReadOnlyList<string>? OsTypes);

internal sealed record ProductList(int TotalCount, IReadOnlyList<Product> Products);

internal sealed record Image(string Id, string Name, string ImageType, string OsType, string? OsVersion, int MinDisk);

internal sealed record ImageList(int TotalCount, IReadOnlyList<Image> Images);

internal sealed record QuotaResource(string Type, int Quota, int Used, string? Unit);

internal sealed record QuotaResources(IReadOnlyList<QuotaResource> Resources);

internal sealed record QuotaReply(QuotaResources Quotas);

internal sealed record ServiceAuthorization(bool Authorized, string? AuthorizedAt, IReadOnlyList<string>? Scopes);

internal sealed record ImportRow(
    int Row, string? UserName, string? UserEmail, bool Valid, IReadOnlyList<ApiFieldError>? Errors, string? UserId);

internal sealed record ImportPreview(
    string ImportId, string? ExpiresAt, int TotalCount, int ValidCount, int InvalidCount, IReadOnlyList<ImportRow> Rows);

internal sealed record ImportResult(
    int CreatedCount, int FailedCount, IReadOnlyList<ImportRow> Created, IReadOnlyList<ImportRow> Failed);

internal sealed record CostTotal(decimal Amount, decimal ComputeAmount, decimal DiskAmount, long RunningSeconds);

internal sealed record CostGroup(
    string ProjectId,
    string? EnterpriseProjectId,
    string? DesktopPoolName,
    string? ComputerName,
    decimal Amount,
    decimal ComputeAmount,
    decimal DiskAmount,
    long RunningSeconds);

internal sealed record CostReport(
    string Currency, string From, string To, string? MeteredUntil, int TotalCount, CostTotal Total, IReadOnlyList<CostGroup> Groups);

internal sealed record AccessKeyInfo(
    string Access,
    string? Secret,
    string Name,
    string Status,
    string CredentialName,
    string Role,
    string CreatedAt,
    string? LastUsedAt);

internal sealed record AccessKeyReply(AccessKeyInfo AccessKey);

internal sealed record AccessKeyList(int TotalCount, IReadOnlyList<AccessKeyInfo> AccessKeys);
