using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Deskpool.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "activation_tokens",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    ProjectId = table.Column<string>(type: "TEXT", nullable: false),
                    TokenDigest = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Purpose = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UsedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_activation_tokens", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "audit_events",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ProjectId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    ActorKind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ActorId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ActorName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    Action = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    Targets = table.Column<string>(type: "TEXT", nullable: false),
                    EnterpriseProjectId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: true),
                    RemoteAddress = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    UserAgent = table.Column<string>(type: "TEXT", maxLength: 255, nullable: true),
                    StatusCode = table.Column<int>(type: "INTEGER", nullable: true),
                    Succeeded = table.Column<bool>(type: "INTEGER", nullable: false),
                    ErrorCode = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_events", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "bindings",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    ProjectId = table.Column<string>(type: "TEXT", nullable: false),
                    PoolId = table.Column<string>(type: "TEXT", nullable: false),
                    DesktopId = table.Column<string>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    UserName = table.Column<string>(type: "TEXT", nullable: false),
                    Permanent = table.Column<bool>(type: "INTEGER", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    BoundAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ConnectedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    DisconnectedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ReleaseAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Used = table.Column<bool>(type: "INTEGER", nullable: false),
                    AgentSeenAt = table.Column<long>(type: "INTEGER", nullable: true),
                    TicketDigest = table.Column<string>(type: "TEXT", nullable: true),
                    TicketExpiresAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_bindings", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "desktop_agent_keys",
                columns: table => new
                {
                    DesktopId = table.Column<string>(type: "TEXT", nullable: false),
                    ProjectId = table.Column<string>(type: "TEXT", nullable: false),
                    KeyDigest = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_desktop_agent_keys", x => x.DesktopId);
                });

            migrationBuilder.CreateTable(
                name: "desktop_name_policies",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    ProjectId = table.Column<string>(type: "TEXT", nullable: false),
                    PolicyName = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    NamePrefix = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    DigitNumber = table.Column<int>(type: "INTEGER", nullable: false),
                    StartNumber = table.Column<int>(type: "INTEGER", nullable: false),
                    SingleDomainUserInc = table.Column<int>(type: "INTEGER", nullable: false),
                    IsDefaultPolicy = table.Column<bool>(type: "INTEGER", nullable: false),
                    PrefixTruncationEnabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_desktop_name_policies", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "end_user_sessions",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", nullable: false),
                    TokenDigest = table.Column<string>(type: "TEXT", nullable: false),
                    ProjectId = table.Column<string>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_end_user_sessions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "group_memberships",
                columns: table => new
                {
                    GroupId = table.Column<string>(type: "TEXT", nullable: false),
                    UserId = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_group_memberships", x => new { x.GroupId, x.UserId });
                });

            migrationBuilder.CreateTable(
                name: "jobs",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ProjectId = table.Column<string>(type: "TEXT", nullable: false),
                    JobType = table.Column<string>(type: "TEXT", maxLength: 55, nullable: false),
                    PoolId = table.Column<string>(type: "TEXT", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    BeginAt = table.Column<long>(type: "INTEGER", nullable: true),
                    EndAt = table.Column<long>(type: "INTEGER", nullable: true),
                    SubJobsTotal = table.Column<int>(type: "INTEGER", nullable: false),
                    SucceededCount = table.Column<int>(type: "INTEGER", nullable: false),
                    FailedCount = table.Column<int>(type: "INTEGER", nullable: false),
                    ErrorCode = table.Column<string>(type: "TEXT", nullable: true),
                    FailReason = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: true),
                    TraceParent = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_jobs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "meter_cursors",
                columns: table => new
                {
                    DesktopId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    HasRun = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_meter_cursors", x => x.DesktopId);
                });

            migrationBuilder.CreateTable(
                name: "meter_progress",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    MeteredUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    LastChangeId = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_meter_progress", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "name_sequences",
                columns: table => new
                {
                    ProjectId = table.Column<string>(type: "TEXT", nullable: false),
                    Prefix = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Next = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_name_sequences", x => new { x.ProjectId, x.Prefix });
                });

            migrationBuilder.CreateTable(
                name: "pool_authorizations",
                columns: table => new
                {
                    PoolId = table.Column<string>(type: "TEXT", nullable: false),
                    ObjectType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ObjectId = table.Column<string>(type: "TEXT", nullable: false),
                    ProjectId = table.Column<string>(type: "TEXT", nullable: false),
                    UserGroup = table.Column<string>(type: "TEXT", maxLength: 55, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pool_authorizations", x => new { x.PoolId, x.ObjectType, x.ObjectId });
                });

            migrationBuilder.CreateTable(
                name: "pool_events",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ProjectId = table.Column<string>(type: "TEXT", nullable: false),
                    PoolId = table.Column<string>(type: "TEXT", nullable: false),
                    DesktopId = table.Column<string>(type: "TEXT", nullable: true),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    UserName = table.Column<string>(type: "TEXT", nullable: true),
                    Detail = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    JobId = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pool_events", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "pool_hour_costs",
                columns: table => new
                {
                    PoolId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    HourStart = table.Column<long>(type: "INTEGER", nullable: false),
                    ProjectId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RunningSeconds = table.Column<long>(type: "INTEGER", nullable: false),
                    DiskGbSeconds = table.Column<long>(type: "INTEGER", nullable: false),
                    ComputeAmount = table.Column<decimal>(type: "TEXT", precision: 20, scale: 6, nullable: false),
                    DiskAmount = table.Column<decimal>(type: "TEXT", precision: 20, scale: 6, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pool_hour_costs", x => new { x.PoolId, x.HourStart });
                });

            migrationBuilder.CreateTable(
                name: "pool_scaling",
                columns: table => new
                {
                    PoolId = table.Column<string>(type: "TEXT", nullable: false),
                    ProjectId = table.Column<string>(type: "TEXT", nullable: false),
                    ConsecutiveFailures = table.Column<int>(type: "INTEGER", nullable: false),
                    LastFailureAt = table.Column<long>(type: "INTEGER", nullable: true),
                    PausedUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    DegradedReason = table.Column<string>(type: "TEXT", nullable: true),
                    DegradedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastReason = table.Column<string>(type: "TEXT", nullable: true),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pool_scaling", x => x.PoolId);
                });

            migrationBuilder.CreateTable(
                name: "price_lists",
                columns: table => new
                {
                    Revision = table.Column<int>(type: "INTEGER", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", maxLength: 3, nullable: false),
                    EffectiveFrom = table.Column<long>(type: "INTEGER", nullable: false),
                    RecordedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RecordedBy = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_price_lists", x => x.Revision);
                });

            migrationBuilder.CreateTable(
                name: "projects",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DesktopQuota = table.Column<int>(type: "INTEGER", nullable: false),
                    CoreQuota = table.Column<int>(type: "INTEGER", nullable: false),
                    MemoryQuotaGb = table.Column<int>(type: "INTEGER", nullable: false),
                    ServiceAuthorizedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_projects", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "scaling_decisions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ProjectId = table.Column<string>(type: "TEXT", nullable: false),
                    PoolId = table.Column<string>(type: "TEXT", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Trigger = table.Column<string>(type: "TEXT", nullable: false),
                    AutoscaleType = table.Column<string>(type: "TEXT", nullable: false),
                    Idle = table.Column<int>(type: "INTEGER", nullable: false),
                    Creating = table.Column<int>(type: "INTEGER", nullable: false),
                    AutoCreated = table.Column<int>(type: "INTEGER", nullable: false),
                    Threshold = table.Column<int>(type: "INTEGER", nullable: true),
                    Batch = table.Column<int>(type: "INTEGER", nullable: true),
                    Maximum = table.Column<int>(type: "INTEGER", nullable: false),
                    QuotaRemaining = table.Column<int>(type: "INTEGER", nullable: false),
                    Created = table.Column<int>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", nullable: false),
                    JobId = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scaling_decisions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "user_groups",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ProjectId = table.Column<string>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    NameKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Platform = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Description = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_user_groups", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "user_imports",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ProjectId = table.Column<string>(type: "TEXT", nullable: false),
                    RowsJson = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ConfirmedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_user_imports", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "sub_jobs",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    JobId = table.Column<string>(type: "TEXT", nullable: false),
                    ProjectId = table.Column<string>(type: "TEXT", nullable: false),
                    JobType = table.Column<string>(type: "TEXT", maxLength: 55, nullable: false),
                    DesktopId = table.Column<string>(type: "TEXT", nullable: false),
                    DesktopName = table.Column<string>(type: "TEXT", nullable: false),
                    Operation = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Argument = table.Column<string>(type: "TEXT", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Progress = table.Column<int>(type: "INTEGER", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    BeginAt = table.Column<long>(type: "INTEGER", nullable: true),
                    EndAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ErrorCode = table.Column<string>(type: "TEXT", nullable: true),
                    FailReason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    LeaseOwner = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    LeaseUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    ClaimToken = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_sub_jobs", x => x.Id);
                    table.ForeignKey(
                        name: "FK_sub_jobs_jobs_JobId",
                        column: x => x.JobId,
                        principalTable: "jobs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "prices",
                columns: table => new
                {
                    Revision = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Item = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    UnitPrice = table.Column<decimal>(type: "TEXT", precision: 20, scale: 8, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_prices", x => new { x.Revision, x.Kind, x.Item });
                    table.ForeignKey(
                        name: "FK_prices_price_lists_Revision",
                        column: x => x.Revision,
                        principalTable: "price_lists",
                        principalColumn: "Revision",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "api_credentials",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ProjectId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    TokenDigest = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Role = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    EnterpriseProjectId = table.Column<string>(type: "TEXT", maxLength: 36, nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_api_credentials", x => x.Id);
                    table.ForeignKey(
                        name: "FK_api_credentials_projects_ProjectId",
                        column: x => x.ProjectId,
                        principalTable: "projects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "mail_messages",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ProjectId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    IdempotencyKey = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    MessageId = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    To = table.Column<string>(type: "TEXT", maxLength: 254, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    TextBody = table.Column<string>(type: "TEXT", nullable: true),
                    HtmlBody = table.Column<string>(type: "TEXT", nullable: true),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    NextAttemptAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastAttemptAt = table.Column<long>(type: "INTEGER", nullable: true),
                    SentAt = table.Column<long>(type: "INTEGER", nullable: true),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    LeaseOwner = table.Column<string>(type: "TEXT", maxLength: 128, nullable: true),
                    LeaseUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    ClaimToken = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_mail_messages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_mail_messages_projects_ProjectId",
                        column: x => x.ProjectId,
                        principalTable: "projects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "pools",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ProjectId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Type = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Description = table.Column<string>(type: "TEXT", nullable: true),
                    ChargingMode = table.Column<string>(type: "TEXT", nullable: false),
                    ProductId = table.Column<string>(type: "TEXT", nullable: false),
                    ImageId = table.Column<string>(type: "TEXT", nullable: false),
                    ImageType = table.Column<string>(type: "TEXT", nullable: false),
                    RootVolume = table.Column<string>(type: "TEXT", nullable: false),
                    DataVolumes = table.Column<string>(type: "TEXT", nullable: false),
                    VpcId = table.Column<string>(type: "TEXT", nullable: false),
                    SubnetIds = table.Column<string>(type: "TEXT", nullable: false),
                    SecurityGroupIds = table.Column<string>(type: "TEXT", nullable: false),
                    AvailabilityZone = table.Column<string>(type: "TEXT", nullable: true),
                    EnterpriseProjectId = table.Column<string>(type: "TEXT", nullable: false),
                    DisconnectedRetentionPeriod = table.Column<int>(type: "INTEGER", nullable: true),
                    EnableAutoscale = table.Column<bool>(type: "INTEGER", nullable: false),
                    AutoscalePolicy = table.Column<string>(type: "TEXT", nullable: true),
                    UserResetPolicy = table.Column<string>(type: "TEXT", nullable: true),
                    Tags = table.Column<string>(type: "TEXT", nullable: false),
                    DesktopNamePolicyId = table.Column<string>(type: "TEXT", nullable: true),
                    OuName = table.Column<string>(type: "TEXT", nullable: true),
                    Domain = table.Column<string>(type: "TEXT", nullable: true),
                    InMaintenanceMode = table.Column<bool>(type: "INTEGER", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    FailReason = table.Column<string>(type: "TEXT", nullable: true),
                    LastJobId = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DeletedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pools", x => x.Id);
                    table.ForeignKey(
                        name: "FK_pools_projects_ProjectId",
                        column: x => x.ProjectId,
                        principalTable: "projects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "users",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ProjectId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    UserName = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    UserNameKey = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Email = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    EmailKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Phone = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    Description = table.Column<string>(type: "TEXT", nullable: true),
                    AliasName = table.Column<string>(type: "TEXT", nullable: true),
                    ActiveType = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    AccountExpires = table.Column<long>(type: "INTEGER", nullable: true),
                    EnableChangePassword = table.Column<bool>(type: "INTEGER", nullable: false),
                    NextLoginChangePassword = table.Column<bool>(type: "INTEGER", nullable: false),
                    PasswordNeverExpired = table.Column<bool>(type: "INTEGER", nullable: false),
                    Disabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    Locked = table.Column<bool>(type: "INTEGER", nullable: false),
                    FailedSignIns = table.Column<int>(type: "INTEGER", nullable: false),
                    LastFailedSignInAt = table.Column<long>(type: "INTEGER", nullable: true),
                    NextSignInAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ActivatedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    PasswordHash = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    EnterpriseProjectId = table.Column<string>(type: "TEXT", nullable: false),
                    UserInfoMap = table.Column<string>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_users", x => x.Id);
                    table.ForeignKey(
                        name: "FK_users_projects_ProjectId",
                        column: x => x.ProjectId,
                        principalTable: "projects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "access_keys",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ProjectId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CredentialId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    SealedSecret = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastUsedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_access_keys", x => x.Id);
                    table.ForeignKey(
                        name: "FK_access_keys_api_credentials_CredentialId",
                        column: x => x.CredentialId,
                        principalTable: "api_credentials",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_access_keys_projects_ProjectId",
                        column: x => x.ProjectId,
                        principalTable: "projects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "desktops",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ProjectId = table.Column<string>(type: "TEXT", nullable: false),
                    PoolId = table.Column<string>(type: "TEXT", nullable: false),
                    ComputerName = table.Column<string>(type: "TEXT", maxLength: 15, nullable: false),
                    AvailabilityZone = table.Column<string>(type: "TEXT", nullable: false),
                    SubnetId = table.Column<string>(type: "TEXT", nullable: false),
                    IpAddress = table.Column<string>(type: "TEXT", maxLength: 45, nullable: true),
                    MacAddress = table.Column<string>(type: "TEXT", maxLength: 17, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    FailReason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    ErrorCode = table.Column<string>(type: "TEXT", nullable: true),
                    OnDemand = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    StateChangedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_desktops", x => x.Id);
                    table.ForeignKey(
                        name: "FK_desktops_pools_PoolId",
                        column: x => x.PoolId,
                        principalTable: "pools",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "desktop_state_changes",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    DesktopId = table.Column<string>(type: "TEXT", nullable: false),
                    From = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    To = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_desktop_state_changes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_desktop_state_changes_desktops_DesktopId",
                        column: x => x.DesktopId,
                        principalTable: "desktops",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_access_keys_CredentialId",
                table: "access_keys",
                column: "CredentialId");

            migrationBuilder.CreateIndex(
                name: "IX_access_keys_ProjectId_CreatedAt",
                table: "access_keys",
                columns: new[] { "ProjectId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_activation_tokens_TokenDigest",
                table: "activation_tokens",
                column: "TokenDigest",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_activation_tokens_UserId",
                table: "activation_tokens",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_api_credentials_ProjectId",
                table: "api_credentials",
                column: "ProjectId");

            migrationBuilder.CreateIndex(
                name: "IX_api_credentials_TokenDigest",
                table: "api_credentials",
                column: "TokenDigest",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_ProjectId_ActorId",
                table: "audit_events",
                columns: new[] { "ProjectId", "ActorId" });

            migrationBuilder.CreateIndex(
                name: "IX_audit_events_ProjectId_At",
                table: "audit_events",
                columns: new[] { "ProjectId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_bindings_DesktopId",
                table: "bindings",
                column: "DesktopId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_bindings_PoolId_UserId",
                table: "bindings",
                columns: new[] { "PoolId", "UserId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_bindings_ReleaseAt",
                table: "bindings",
                column: "ReleaseAt");

            migrationBuilder.CreateIndex(
                name: "IX_bindings_UserId",
                table: "bindings",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_desktop_name_policies_ProjectId_PolicyName",
                table: "desktop_name_policies",
                columns: new[] { "ProjectId", "PolicyName" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_desktop_state_changes_At",
                table: "desktop_state_changes",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_desktop_state_changes_DesktopId_At",
                table: "desktop_state_changes",
                columns: new[] { "DesktopId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_desktops_PoolId_State",
                table: "desktops",
                columns: new[] { "PoolId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_desktops_ProjectId_ComputerName",
                table: "desktops",
                columns: new[] { "ProjectId", "ComputerName" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_desktops_SubnetId_IpAddress",
                table: "desktops",
                columns: new[] { "SubnetId", "IpAddress" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_end_user_sessions_ExpiresAt",
                table: "end_user_sessions",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_end_user_sessions_TokenDigest",
                table: "end_user_sessions",
                column: "TokenDigest",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_end_user_sessions_UserId",
                table: "end_user_sessions",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_group_memberships_UserId",
                table: "group_memberships",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_jobs_ProjectId_CreatedAt",
                table: "jobs",
                columns: new[] { "ProjectId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_jobs_Status",
                table: "jobs",
                column: "Status");

            migrationBuilder.CreateIndex(
                name: "IX_mail_messages_ClaimToken",
                table: "mail_messages",
                column: "ClaimToken");

            migrationBuilder.CreateIndex(
                name: "IX_mail_messages_ProjectId_CreatedAt",
                table: "mail_messages",
                columns: new[] { "ProjectId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_mail_messages_ProjectId_IdempotencyKey",
                table: "mail_messages",
                columns: new[] { "ProjectId", "IdempotencyKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_mail_messages_Status_NextAttemptAt",
                table: "mail_messages",
                columns: new[] { "Status", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_pool_authorizations_ObjectType_ObjectId",
                table: "pool_authorizations",
                columns: new[] { "ObjectType", "ObjectId" });

            migrationBuilder.CreateIndex(
                name: "IX_pool_events_At",
                table: "pool_events",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_pool_events_DesktopId_Id",
                table: "pool_events",
                columns: new[] { "DesktopId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_pool_events_PoolId_Id",
                table: "pool_events",
                columns: new[] { "PoolId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_pool_hour_costs_HourStart",
                table: "pool_hour_costs",
                column: "HourStart");

            migrationBuilder.CreateIndex(
                name: "IX_pool_hour_costs_ProjectId_HourStart",
                table: "pool_hour_costs",
                columns: new[] { "ProjectId", "HourStart" });

            migrationBuilder.CreateIndex(
                name: "IX_pools_ProjectId_Name",
                table: "pools",
                columns: new[] { "ProjectId", "Name" },
                unique: true,
                filter: "\"DeletedAt\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_scaling_decisions_PoolId_Id",
                table: "scaling_decisions",
                columns: new[] { "PoolId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_sub_jobs_ClaimToken",
                table: "sub_jobs",
                column: "ClaimToken");

            migrationBuilder.CreateIndex(
                name: "IX_sub_jobs_DesktopId",
                table: "sub_jobs",
                column: "DesktopId");

            migrationBuilder.CreateIndex(
                name: "IX_sub_jobs_JobId",
                table: "sub_jobs",
                column: "JobId");

            migrationBuilder.CreateIndex(
                name: "IX_sub_jobs_Status_LeaseUntil",
                table: "sub_jobs",
                columns: new[] { "Status", "LeaseUntil" });

            migrationBuilder.CreateIndex(
                name: "IX_user_groups_ProjectId_NameKey",
                table: "user_groups",
                columns: new[] { "ProjectId", "NameKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_user_imports_ExpiresAt",
                table: "user_imports",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_users_ProjectId_EmailKey",
                table: "users",
                columns: new[] { "ProjectId", "EmailKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_users_ProjectId_UserNameKey",
                table: "users",
                columns: new[] { "ProjectId", "UserNameKey" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "access_keys");

            migrationBuilder.DropTable(
                name: "activation_tokens");

            migrationBuilder.DropTable(
                name: "audit_events");

            migrationBuilder.DropTable(
                name: "bindings");

            migrationBuilder.DropTable(
                name: "desktop_agent_keys");

            migrationBuilder.DropTable(
                name: "desktop_name_policies");

            migrationBuilder.DropTable(
                name: "desktop_state_changes");

            migrationBuilder.DropTable(
                name: "end_user_sessions");

            migrationBuilder.DropTable(
                name: "group_memberships");

            migrationBuilder.DropTable(
                name: "mail_messages");

            migrationBuilder.DropTable(
                name: "meter_cursors");

            migrationBuilder.DropTable(
                name: "meter_progress");

            migrationBuilder.DropTable(
                name: "name_sequences");

            migrationBuilder.DropTable(
                name: "pool_authorizations");

            migrationBuilder.DropTable(
                name: "pool_events");

            migrationBuilder.DropTable(
                name: "pool_hour_costs");

            migrationBuilder.DropTable(
                name: "pool_scaling");

            migrationBuilder.DropTable(
                name: "prices");

            migrationBuilder.DropTable(
                name: "scaling_decisions");

            migrationBuilder.DropTable(
                name: "sub_jobs");

            migrationBuilder.DropTable(
                name: "user_groups");

            migrationBuilder.DropTable(
                name: "user_imports");

            migrationBuilder.DropTable(
                name: "users");

            migrationBuilder.DropTable(
                name: "api_credentials");

            migrationBuilder.DropTable(
                name: "desktops");

            migrationBuilder.DropTable(
                name: "price_lists");

            migrationBuilder.DropTable(
                name: "jobs");

            migrationBuilder.DropTable(
                name: "pools");

            migrationBuilder.DropTable(
                name: "projects");
        }
    }
}
