using System.CommandLine;
using System.Text.Json.Nodes;
using Deskpool.Cli.Api;
using Deskpool.Cli.Output;

namespace Deskpool.Cli.Commands;

/// <summary><c>deskpool pools …</c> and <c>deskpool desktops …</c>.</summary>
internal static class PoolCommands
{
    public static Command Pools(CommandKit kit) => CommandKit.Group("pools", "Desktop pools",
        Create(kit), List(kit), Show(kit), Update(kit), Expand(kit), Action(kit), Delete(kit), Desktops(kit),
        Authorize(kit));

    public static Command DesktopsGroup(CommandKit kit)
    {
        var ids = new Argument<string[]>("ids") { Description = "Desktop ids", Arity = ArgumentArity.OneOrMore };
        var wait = Wait();
        var delete = kit.Verb("delete", "Delete desktops (a job)", async (s, p, ct) =>
        {
            var desktopIds = new JsonArray(p.GetValue(ids)!.Select(i => (JsonNode?)i).ToArray());
            var reply = await s.Api.PostAsync("desktops/batch-delete", new JsonObject { ["desktop_ids"] = desktopIds }, ct);
            return await JobWatcher.StartedAsync(s, reply, p.GetValue(wait), ct);
        }, ids, wait);
        return CommandKit.Group("desktops", "Desktops", delete);
    }

    public static Option<bool> Wait() => new("--wait") { Description = "Follow the job to its end" };

    private static Argument<string> PoolArgument() => new("pool") { Description = "Pool name or id" };

    private static Command Create(CommandKit kit)
    {
        var file = new Option<string?>("--file", "-f") { Description = "Request body as a JSON or YAML file" };
        var name = new Option<string?>("--name") { Description = "Pool name" };
        var type = new Option<string?>("--type") { Description = "DYNAMIC or STATIC (default DYNAMIC)" };
        type.AcceptOnlyFromAmong("DYNAMIC", "STATIC");
        var size = new Option<int?>("--size") { Description = "Number of desktops" };
        var product = new Option<string?>("--product") { Description = "Package (product id); see 'products list'" };
        var image = new Option<string?>("--image") { Description = "Image id; see 'images list'" };
        var imageType = new Option<string?>("--image-type") { Description = "gold (public) or private (default gold)" };
        var rootDisk = new Option<string?>("--root-disk") { Description = "System disk TYPE:GB (default SAS:80)" };
        var dataDisks = new Option<string[]>("--data-disk") { Description = "Data disk TYPE:GB (repeatable)" };
        var subnets = new Option<string[]>("--subnet") { Description = "Subnet id (repeatable)" };
        var vpc = new Option<string?>("--vpc") { Description = "VPC id (inferred from the subnets when absent)" };
        var zone = new Option<string?>("--zone") { Description = "Availability zone (default: spread over all)" };
        var retention = new Option<int?>("--retention")
        {
            Description = "Minutes a disconnected desktop is kept (DYNAMIC)",
        };
        var policy = new Option<string?>("--naming-policy") { Description = "Naming policy name or id" };
        var description = new Option<string?>("--description") { Description = "Description" };
        var tags = new Option<string[]>("--tag") { Description = "Tag KEY=VALUE (repeatable)" };
        var wait = Wait();

        return kit.Verb("create", "Buy a desktop pool (a job)", async (s, p, ct) =>
        {
            var path = p.GetValue(file);
            var body = path is null ? Defaults() : BodyFile.Read(path);
            Set(body, "name", p.GetValue(name));
            Set(body, "type", p.GetValue(type));
            Set(body, "size", p.GetValue(size));
            Set(body, "product_id", p.GetValue(product));
            Set(body, "image_id", p.GetValue(image));
            Set(body, "image_type", p.GetValue(imageType));
            Set(body, "vpc_id", p.GetValue(vpc));
            Set(body, "availability_zone", p.GetValue(zone));
            Set(body, "disconnected_retention_period", p.GetValue(retention));
            Set(body, "description", p.GetValue(description));
            if (p.GetValue(rootDisk) is { } root)
            {
                body["root_volume"] = Disk(root);
            }

            if (p.GetValue(dataDisks) is { Length: > 0 } disks)
            {
                body["data_volumes"] = new JsonArray(disks.Select(d => (JsonNode?)Disk(d)).ToArray());
            }

            if (p.GetValue(subnets) is { Length: > 0 } ids)
            {
                body["subnet_ids"] = new JsonArray(ids.Select(i => (JsonNode?)i).ToArray());
            }

            if (p.GetValue(tags) is { Length: > 0 } pairs)
            {
                body["tags"] = new JsonArray(pairs.Select(t => (JsonNode?)Tag(t)).ToArray());
            }

            if (p.GetValue(policy) is { } policyName)
            {
                body["desktop_name_policy_id"] = await Lookup.NamingPolicyIdAsync(s, policyName, ct);
            }

            var reply = await s.Api.PostAsync("desktop-pools", body, ct);
            return await JobWatcher.StartedAsync(s, reply, p.GetValue(wait), ct);
        }, file, name, type, size, product, image, imageType, rootDisk, dataDisks, subnets, vpc, zone, retention, policy,
            description, tags, wait);
    }

    private static Command List(CommandKit kit)
    {
        var name = new Option<string?>("--name") { Description = "Only pools whose name contains this" };
        return kit.Verb("list", "List desktop pools", async (s, p, ct) =>
        {
            var filter = p.GetValue(name) is { } n ? $"&name={Lookup.Q(n)}" : "";
            var raw = await s.Api.GetAsync($"desktop-pools?limit=1000{filter}", ct);
            s.Printer.Data(raw, () =>
            {
                var table = Printer.NewTable(
                    "ID", "NAME", "TYPE", "STATUS", "DESKTOPS", "USED", "PRODUCT", "IMAGE", "ZONE");
                foreach (var pool in ApiClient.As<PoolList>(raw).DesktopPools)
                {
                    Printer.Row(table, pool.Id, pool.Name, pool.Type, pool.Status, pool.DesktopCount.ToString(),
                        pool.DesktopUsed.ToString(), pool.Product?.ProductId, pool.ImageName,
                        pool.AvailabilityZone ?? "(spread)");
                }

                return table;
            });
            return ExitCodes.Success;
        }, name);
    }

    private static Command Show(CommandKit kit)
    {
        var pool = PoolArgument();
        return kit.Verb("show", "Show one desktop pool", async (s, p, ct) =>
        {
            var id = await Lookup.PoolIdAsync(s, p.GetValue(pool)!, ct);
            var raw = await s.Api.GetAsync($"desktop-pools/{Lookup.Q(id)}", ct);
            s.Printer.Data(raw, () =>
            {
                var v = ApiClient.As<Pool>(raw);
                return Printer.Details(
                    ("id", v.Id), ("name", v.Name), ("type", v.Type), ("status", v.Status),
                    ("desktops", $"{v.DesktopCount} ({v.DesktopUsed} used, {v.ErrorDesktopNum} in error)"),
                    ("product", v.Product?.ProductId), ("image", $"{v.ImageName} ({v.ImageOsType})"),
                    ("zone", v.AvailabilityZone ?? "(spread)"), ("maintenance", v.InMaintenanceMode ? "yes" : "no"),
                    ("description", v.Description), ("created", v.CreatedTime), ("last job", v.LastJobId),
                    ("fail reason", v.FailReason));
            });
            return ExitCodes.Success;
        }, pool);
    }

    private static Command Update(CommandKit kit)
    {
        var pool = PoolArgument();
        var file = new Option<string?>("--file", "-f") { Description = "Update body as a JSON or YAML file" };
        var name = new Option<string?>("--name") { Description = "New name" };
        var description = new Option<string?>("--description") { Description = "New description" };
        var retention = new Option<int?>("--retention") { Description = "Minutes a disconnected desktop is kept" };
        var maintenance = new Option<bool?>("--maintenance") { Description = "Maintenance mode on (true) or off (false)" };
        var policy = new Option<string?>("--naming-policy") { Description = "Naming policy name or id" };
        return kit.Verb("update", "Change a desktop pool's attributes", async (s, p, ct) =>
        {
            var id = await Lookup.PoolIdAsync(s, p.GetValue(pool)!, ct);
            var body = p.GetValue(file) is { } path ? BodyFile.Read(path) : [];
            Set(body, "name", p.GetValue(name));
            Set(body, "description", p.GetValue(description));
            Set(body, "disconnected_retention_period", p.GetValue(retention));
            Set(body, "in_maintenance_mode", p.GetValue(maintenance));
            if (p.GetValue(policy) is { } policyName)
            {
                body["desktop_name_policy_id"] = await Lookup.NamingPolicyIdAsync(s, policyName, ct);
            }

            if (body.Count == 0)
            {
                throw new CliException("Nothing to change: give --file or at least one attribute flag.", ExitCodes.Usage);
            }

            var reply = await s.Api.PutAsync($"desktop-pools/{Lookup.Q(id)}", body, ct);
            s.Printer.Result(reply, $"Pool {p.GetValue(pool)} updated.");
            return ExitCodes.Success;
        }, pool, file, name, description, retention, maintenance, policy);
    }

    private static Command Expand(CommandKit kit)
    {
        var pool = PoolArgument();
        var size = new Option<int>("--size") { Description = "Desktops to add", Required = true };
        var wait = Wait();
        return kit.Verb("expand", "Add desktops to a pool (a job)", async (s, p, ct) =>
        {
            var id = await Lookup.PoolIdAsync(s, p.GetValue(pool)!, ct);
            var reply = await s.Api.PostAsync($"desktop-pools/{Lookup.Q(id)}/expand",
                new JsonObject { ["size"] = p.GetValue(size) }, ct);
            return await JobWatcher.StartedAsync(s, reply, p.GetValue(wait), ct);
        }, pool, size, wait);
    }

    private static Command Action(CommandKit kit)
    {
        var pool = PoolArgument();
        var op = new Argument<string>("operation") { Description = "os-start, os-stop, reboot or hibernate" };
        op.AcceptOnlyFromAmong("os-start", "os-stop", "reboot", "hibernate");
        var mode = new Option<string>("--type") { Description = "SOFT or HARD", DefaultValueFactory = _ => "SOFT" };
        mode.AcceptOnlyFromAmong("SOFT", "HARD");
        var wait = Wait();
        return kit.Verb("action", "Start, stop, reboot or hibernate every desktop of a pool (a job)", async (s, p, ct) =>
        {
            var id = await Lookup.PoolIdAsync(s, p.GetValue(pool)!, ct);
            var reply = await s.Api.PostAsync($"desktop-pools/{Lookup.Q(id)}/action",
                new JsonObject { ["op_type"] = p.GetValue(op), ["type"] = p.GetValue(mode) }, ct);
            return await JobWatcher.StartedAsync(s, reply, p.GetValue(wait), ct);
        }, pool, op, mode, wait);
    }

    private static Command Delete(CommandKit kit)
    {
        var pool = PoolArgument();
        return kit.Verb("delete", "Delete a pool that has no desktops left", async (s, p, ct) =>
        {
            var id = await Lookup.PoolIdAsync(s, p.GetValue(pool)!, ct);
            var reply = await s.Api.DeleteAsync($"desktop-pools/{Lookup.Q(id)}", ct);
            s.Printer.Result(reply, $"Pool {p.GetValue(pool)} deleted.");
            return ExitCodes.Success;
        }, pool);
    }

    private static Command Desktops(CommandKit kit)
    {
        var pool = PoolArgument();
        var status = new Option<string?>("--status") { Description = "Only desktops in this status (ACTIVE, ERROR, …)" };
        return kit.Verb("desktops", "List the desktops of a pool", async (s, p, ct) =>
        {
            var id = await Lookup.PoolIdAsync(s, p.GetValue(pool)!, ct);
            var filter = p.GetValue(status) is { } st ? $"&status={Lookup.Q(st)}" : "";
            var all = new JsonArray();
            var total = 0;
            for (var offset = 0; ; offset += 100)
            {
                var page = await s.Api.GetAsync(
                    $"desktop-pools/{Lookup.Q(id)}/desktops?limit=100&offset={offset}{filter}", ct);
                var items = page?["pool_desktops"]?.AsArray() ?? [];
                total = page?["total_count"]?.GetValue<int>() ?? 0;
                foreach (var item in items.ToList())
                {
                    all.Add(item?.DeepClone());
                }

                if (items.Count < 100)
                {
                    break;
                }
            }

            var raw = new JsonObject { ["total_count"] = total, ["pool_desktops"] = all };
            s.Printer.Data(raw, () =>
            {
                var table = Printer.NewTable("ID", "COMPUTER NAME", "STATUS", "IP", "ZONE", "LOGIN", "ERROR");
                foreach (var d in ApiClient.As<PoolDesktopList>(raw).PoolDesktops)
                {
                    Printer.Row(table, d.DesktopId, d.ComputerName, d.Status, d.Ipv4, d.AvailabilityZone, d.LoginStatus,
                        d.ErrorCode is null ? null : $"{d.ErrorCode} {d.FailReason}");
                }

                return table;
            });
            return ExitCodes.Success;
        }, pool, status);
    }

    private static Command Authorize(CommandKit kit)
    {
        var pool = PoolArgument();
        var users = new Option<string[]>("--user") { Description = "User name (repeatable)" };
        var groups = new Option<string[]>("--group") { Description = "User group name (repeatable)" };
        var permission = new Option<string?>("--permission")
        {
            Description = "Permission group: users or administrators (Windows), default or sudo (Linux)",
        };
        var remove = new Option<bool>("--remove") { Description = "Take the authorisation away" };
        var change = new Option<bool>("--change") { Description = "Change the permission group of authorised objects" };
        return kit.Verb("authorize", "Authorise users and groups on a pool", async (s, p, ct) =>
        {
            if (p.GetValue(remove) && p.GetValue(change))
            {
                throw new CliException("--remove and --change cannot be used together.", ExitCodes.Usage);
            }

            var userNames = p.GetValue(users) ?? [];
            var groupNames = p.GetValue(groups) ?? [];
            if (userNames.Length + groupNames.Length == 0)
            {
                throw new CliException("Name at least one --user or --group.", ExitCodes.Usage);
            }

            var action = p.GetValue(remove) ? "REMOVE" : p.GetValue(change) ? "CHANGE_PRIVILEGE" : "ADD";
            var group = p.GetValue(permission);
            if (action != "REMOVE" && group is null)
            {
                throw new CliException(
                    "--permission is required (users, administrators, default or sudo).", ExitCodes.Usage);
            }

            var id = await Lookup.PoolIdAsync(s, p.GetValue(pool)!, ct);
            var objects = new JsonArray();
            foreach (var user in userNames)
            {
                objects.Add(AuthorizedObject(await Lookup.UserIdAsync(s, user, ct), null, "USER", group));
            }

            foreach (var name in groupNames)
            {
                var found = await Lookup.GroupAsync(s, name, ct);
                objects.Add(AuthorizedObject(found.Id, found.Name, "USER_GROUP", group));
            }

            var reply = await s.Api.PostAsync($"desktop-pools/{Lookup.Q(id)}/users",
                new JsonObject { ["action"] = action, ["objects"] = objects }, ct);
            s.Printer.Result(reply, $"{action} done on pool {p.GetValue(pool)} for {objects.Count} object(s).");
            return ExitCodes.Success;
        }, pool, users, groups, permission, remove, change);
    }

    private static JsonObject AuthorizedObject(string id, string? name, string type, string? group)
    {
        var item = new JsonObject { ["object_id"] = id, ["object_type"] = type };
        Set(item, "object_name", name);
        Set(item, "user_group", group);
        return item;
    }

    private static JsonObject Defaults() => new()
    {
        ["type"] = "DYNAMIC",
        ["image_type"] = "gold",
        ["root_volume"] = new JsonObject { ["type"] = "SAS", ["size"] = 80 },
    };

    public static void Set(JsonObject body, string key, string? value)
    {
        if (value is not null)
        {
            body[key] = value;
        }
    }

    public static void Set(JsonObject body, string key, int? value)
    {
        if (value is { } v)
        {
            body[key] = v;
        }
    }

    public static void Set(JsonObject body, string key, bool? value)
    {
        if (value is { } v)
        {
            body[key] = v;
        }
    }

    private static JsonObject Disk(string spec)
    {
        var parts = spec.Split(':');
        if (parts.Length != 2 || !int.TryParse(parts[1], out var gb))
        {
            throw new CliException($"A disk is TYPE:GB, like SSD:100 (got '{spec}').", ExitCodes.Usage);
        }

        return new JsonObject { ["type"] = parts[0], ["size"] = gb };
    }

    private static JsonObject Tag(string spec)
    {
        var at = spec.IndexOf('=', StringComparison.Ordinal);
        if (at <= 0)
        {
            throw new CliException($"A tag is KEY=VALUE (got '{spec}').", ExitCodes.Usage);
        }

        return new JsonObject { ["key"] = spec[..at], ["value"] = spec[(at + 1)..] };
    }
}
