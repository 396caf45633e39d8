using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Deskpool.Data.Postgres.Migrations
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
                    Id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    UserId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    ProjectId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    TokenDigest = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    Purpose = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    ExpiresAt = table.Column<long>(type: "bigint", nullable: false),
                    UsedAt = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_activation_tokens", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "audit_events",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ProjectId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    At = table.Column<long>(type: "bigint", nullable: false),
                    ActorKind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    ActorId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true, collation: "C"),
                    ActorName = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true, collation: "C"),
                    Action = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false, collation: "C"),
                    Targets = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    EnterpriseProjectId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: true, collation: "C"),
                    RemoteAddress = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true, collation: "C"),
                    UserAgent = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true, collation: "C"),
                    StatusCode = table.Column<int>(type: "integer", nullable: true),
                    Succeeded = table.Column<bool>(type: "boolean", nullable: false),
                    ErrorCode = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_audit_events", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "bindings",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    ProjectId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    PoolId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    DesktopId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    UserId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    UserName = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Permanent = table.Column<bool>(type: "boolean", nullable: false),
                    State = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    BoundAt = table.Column<long>(type: "bigint", nullable: false),
                    ConnectedAt = table.Column<long>(type: "bigint", nullable: true),
                    DisconnectedAt = table.Column<long>(type: "bigint", nullable: true),
                    ReleaseAt = table.Column<long>(type: "bigint", nullable: true),
                    Used = table.Column<bool>(type: "boolean", nullable: false),
                    AgentSeenAt = table.Column<long>(type: "bigint", nullable: true),
                    TicketDigest = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    TicketExpiresAt = table.Column<long>(type: "bigint", nullable: true),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_bindings", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "desktop_agent_keys",
                columns: table => new
                {
                    DesktopId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    ProjectId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    KeyDigest = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_desktop_agent_keys", x => x.DesktopId);
                });

            migrationBuilder.CreateTable(
                name: "desktop_name_policies",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false, collation: "C"),
                    ProjectId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    PolicyName = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false, collation: "C"),
                    NamePrefix = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false, collation: "C"),
                    DigitNumber = table.Column<int>(type: "integer", nullable: false),
                    StartNumber = table.Column<int>(type: "integer", nullable: false),
                    SingleDomainUserInc = table.Column<int>(type: "integer", nullable: false),
                    IsDefaultPolicy = table.Column<bool>(type: "boolean", nullable: false),
                    PrefixTruncationEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_desktop_name_policies", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "end_user_sessions",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    TokenDigest = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    ProjectId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    UserId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    ExpiresAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_end_user_sessions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "group_memberships",
                columns: table => new
                {
                    GroupId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    UserId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_group_memberships", x => new { x.GroupId, x.UserId });
                });

            migrationBuilder.CreateTable(
                name: "jobs",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    ProjectId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    JobType = table.Column<string>(type: "character varying(55)", maxLength: 55, nullable: false, collation: "C"),
                    PoolId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    BeginAt = table.Column<long>(type: "bigint", nullable: true),
                    EndAt = table.Column<long>(type: "bigint", nullable: true),
                    SubJobsTotal = table.Column<int>(type: "integer", nullable: false),
                    SucceededCount = table.Column<int>(type: "integer", nullable: false),
                    FailedCount = table.Column<int>(type: "integer", nullable: false),
                    ErrorCode = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    FailReason = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true, collation: "C"),
                    TraceParent = table.Column<string>(type: "text", nullable: true, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_jobs", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "meter_cursors",
                columns: table => new
                {
                    DesktopId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    State = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    HasRun = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_meter_cursors", x => x.DesktopId);
                });

            migrationBuilder.CreateTable(
                name: "meter_progress",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    MeteredUntil = table.Column<long>(type: "bigint", nullable: true),
                    LastChangeId = table.Column<long>(type: "bigint", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_meter_progress", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "name_sequences",
                columns: table => new
                {
                    ProjectId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Prefix = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false, collation: "C"),
                    Next = table.Column<long>(type: "bigint", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_name_sequences", x => new { x.ProjectId, x.Prefix });
                });

            migrationBuilder.CreateTable(
                name: "pool_authorizations",
                columns: table => new
                {
                    PoolId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    ObjectType = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    ObjectId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    ProjectId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    UserGroup = table.Column<string>(type: "character varying(55)", maxLength: 55, nullable: false, collation: "C"),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pool_authorizations", x => new { x.PoolId, x.ObjectType, x.ObjectId });
                });

            migrationBuilder.CreateTable(
                name: "pool_events",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ProjectId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    PoolId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    DesktopId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    At = table.Column<long>(type: "bigint", nullable: false),
                    Kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    UserName = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Detail = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true, collation: "C"),
                    JobId = table.Column<string>(type: "text", nullable: true, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pool_events", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "pool_hour_costs",
                columns: table => new
                {
                    PoolId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    HourStart = table.Column<long>(type: "bigint", nullable: false),
                    ProjectId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    RunningSeconds = table.Column<long>(type: "bigint", nullable: false),
                    DiskGbSeconds = table.Column<long>(type: "bigint", nullable: false),
                    ComputeAmount = table.Column<decimal>(type: "numeric(20,6)", precision: 20, scale: 6, nullable: false),
                    DiskAmount = table.Column<decimal>(type: "numeric(20,6)", precision: 20, scale: 6, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pool_hour_costs", x => new { x.PoolId, x.HourStart });
                });

            migrationBuilder.CreateTable(
                name: "pool_scaling",
                columns: table => new
                {
                    PoolId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    ProjectId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    ConsecutiveFailures = table.Column<int>(type: "integer", nullable: false),
                    LastFailureAt = table.Column<long>(type: "bigint", nullable: true),
                    PausedUntil = table.Column<long>(type: "bigint", nullable: true),
                    DegradedReason = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    DegradedAt = table.Column<long>(type: "bigint", nullable: true),
                    LastReason = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pool_scaling", x => x.PoolId);
                });

            migrationBuilder.CreateTable(
                name: "price_lists",
                columns: table => new
                {
                    Revision = table.Column<int>(type: "integer", nullable: false),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false, collation: "C"),
                    EffectiveFrom = table.Column<long>(type: "bigint", nullable: false),
                    RecordedAt = table.Column<long>(type: "bigint", nullable: false),
                    RecordedBy = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_price_lists", x => x.Revision);
                });

            migrationBuilder.CreateTable(
                name: "projects",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    Name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false, collation: "C"),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    DesktopQuota = table.Column<int>(type: "integer", nullable: false),
                    CoreQuota = table.Column<int>(type: "integer", nullable: false),
                    MemoryQuotaGb = table.Column<int>(type: "integer", nullable: false),
                    ServiceAuthorizedAt = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_projects", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "scaling_decisions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ProjectId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    PoolId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    At = table.Column<long>(type: "bigint", nullable: false),
                    Trigger = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    AutoscaleType = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Idle = table.Column<int>(type: "integer", nullable: false),
                    Creating = table.Column<int>(type: "integer", nullable: false),
                    AutoCreated = table.Column<int>(type: "integer", nullable: false),
                    Threshold = table.Column<int>(type: "integer", nullable: true),
                    Batch = table.Column<int>(type: "integer", nullable: true),
                    Maximum = table.Column<int>(type: "integer", nullable: false),
                    QuotaRemaining = table.Column<int>(type: "integer", nullable: false),
                    Created = table.Column<int>(type: "integer", nullable: false),
                    Reason = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    JobId = table.Column<string>(type: "text", nullable: true, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_scaling_decisions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "user_groups",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    ProjectId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    NameKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    Platform = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    Description = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_user_groups", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "user_imports",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    ProjectId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    RowsJson = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    ExpiresAt = table.Column<long>(type: "bigint", nullable: false),
                    ConfirmedAt = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_user_imports", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "sub_jobs",
                columns: table => new
                {
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    JobId = table.Column<string>(type: "character varying(64)", nullable: false, collation: "C"),
                    ProjectId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    JobType = table.Column<string>(type: "character varying(55)", maxLength: 55, nullable: false, collation: "C"),
                    DesktopId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    DesktopName = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    Operation = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    Argument = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    Progress = table.Column<int>(type: "integer", nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    BeginAt = table.Column<long>(type: "bigint", nullable: true),
                    EndAt = table.Column<long>(type: "bigint", nullable: true),
                    ErrorCode = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    FailReason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true, collation: "C"),
                    LeaseOwner = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true, collation: "C"),
                    LeaseUntil = table.Column<long>(type: "bigint", nullable: true),
                    ClaimToken = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true, collation: "C")
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
                    Revision = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    Item = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    UnitPrice = table.Column<decimal>(type: "numeric(20,8)", precision: 20, scale: 8, nullable: false)
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
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    ProjectId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    Name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false, collation: "C"),
                    TokenDigest = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    Role = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    EnterpriseProjectId = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: true, collation: "C"),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false)
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
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    ProjectId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    IdempotencyKey = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false, collation: "C"),
                    MessageId = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false, collation: "C"),
                    To = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false, collation: "C"),
                    Subject = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false, collation: "C"),
                    TextBody = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    HtmlBody = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    NextAttemptAt = table.Column<long>(type: "bigint", nullable: true),
                    LastAttemptAt = table.Column<long>(type: "bigint", nullable: true),
                    SentAt = table.Column<long>(type: "bigint", nullable: true),
                    LastError = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true, collation: "C"),
                    LeaseOwner = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: true, collation: "C"),
                    LeaseUntil = table.Column<long>(type: "bigint", nullable: true),
                    ClaimToken = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true, collation: "C")
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
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    ProjectId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    Type = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    Description = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    ChargingMode = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    ProductId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    ImageId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    ImageType = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    RootVolume = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    DataVolumes = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    VpcId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    SubnetIds = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    SecurityGroupIds = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    AvailabilityZone = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    EnterpriseProjectId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    DisconnectedRetentionPeriod = table.Column<int>(type: "integer", nullable: true),
                    EnableAutoscale = table.Column<bool>(type: "boolean", nullable: false),
                    AutoscalePolicy = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    UserResetPolicy = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Tags = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    DesktopNamePolicyId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    OuName = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    Domain = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    InMaintenanceMode = table.Column<bool>(type: "boolean", nullable: false),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    FailReason = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    LastJobId = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    DeletedAt = table.Column<long>(type: "bigint", nullable: true),
                    Version = table.Column<long>(type: "bigint", nullable: false)
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
                    Id = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    ProjectId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    UserName = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    UserNameKey = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    Email = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true, collation: "C"),
                    EmailKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true, collation: "C"),
                    Phone = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true, collation: "C"),
                    Description = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    AliasName = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    ActiveType = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    AccountExpires = table.Column<long>(type: "bigint", nullable: true),
                    EnableChangePassword = table.Column<bool>(type: "boolean", nullable: false),
                    NextLoginChangePassword = table.Column<bool>(type: "boolean", nullable: false),
                    PasswordNeverExpired = table.Column<bool>(type: "boolean", nullable: false),
                    Disabled = table.Column<bool>(type: "boolean", nullable: false),
                    Locked = table.Column<bool>(type: "boolean", nullable: false),
                    FailedSignIns = table.Column<int>(type: "integer", nullable: false),
                    LastFailedSignInAt = table.Column<long>(type: "bigint", nullable: true),
                    NextSignInAt = table.Column<long>(type: "bigint", nullable: true),
                    ActivatedAt = table.Column<long>(type: "bigint", nullable: true),
                    PasswordHash = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true, collation: "C"),
                    EnterpriseProjectId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    UserInfoMap = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    Version = table.Column<long>(type: "bigint", nullable: false)
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
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    ProjectId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    CredentialId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    SealedSecret = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false, collation: "C"),
                    State = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    LastUsedAt = table.Column<long>(type: "bigint", nullable: true)
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
                    Id = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false, collation: "C"),
                    ProjectId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    PoolId = table.Column<string>(type: "character varying(64)", nullable: false, collation: "C"),
                    ComputerName = table.Column<string>(type: "character varying(15)", maxLength: 15, nullable: false, collation: "C"),
                    AvailabilityZone = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    SubnetId = table.Column<string>(type: "text", nullable: false, collation: "C"),
                    IpAddress = table.Column<string>(type: "character varying(45)", maxLength: 45, nullable: true, collation: "C"),
                    MacAddress = table.Column<string>(type: "character varying(17)", maxLength: 17, nullable: false, collation: "C"),
                    State = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    FailReason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true, collation: "C"),
                    ErrorCode = table.Column<string>(type: "text", nullable: true, collation: "C"),
                    OnDemand = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<long>(type: "bigint", nullable: false),
                    StateChangedAt = table.Column<long>(type: "bigint", nullable: false)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    DesktopId = table.Column<string>(type: "character varying(64)", nullable: false, collation: "C"),
                    From = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true, collation: "C"),
                    To = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false, collation: "C"),
                    At = table.Column<long>(type: "bigint", nullable: false),
                    Reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true, collation: "C")
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
