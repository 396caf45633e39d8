using System.CommandLine;
using System.Text.Json.Nodes;
using Deskpool.Cli.Api;
using Deskpool.Cli.Output;

namespace Deskpool.Cli.Commands;

/// <summary><c>deskpool users …</c>: one by one, or imported from a workbook.</summary>
internal static class UserCommands
{
    public static Command Users(CommandKit kit) => CommandKit.Group("users", "Desktop users",
        Create(kit), List(kit), Show(kit), Status(kit, "lock", "LOCK"), Status(kit, "unlock", "UNLOCK"), Delete(kit),
        Import(kit), Template(kit));

    private static Argument<string> UserArgument() => new("user") { Description = "User name or id" };

    private static Command Create(CommandKit kit)
    {
        var name = new Argument<string>("name") { Description = "User name" };
        var email = new Option<string?>("--email") { Description = "E-mail address (needed for self-activation)" };
        var phone = new Option<string?>("--phone") { Description = "Mobile number" };
        var admin = new Option<bool>("--admin-activate")
        {
            Description = "The administrator sets the password (--password) instead of the user activating by e-mail",
        };
        var password = new Option<string?>("--password") { Description = "Initial password (with --admin-activate)" };
        var expires = new Option<string?>("--expires") { Description = "Account expiry, UTC yyyy-MM-ddTHH:mm:ssZ" };
        var description = new Option<string?>("--description") { Description = "Description" };
        var groups = new Option<string[]>("--group") { Description = "Group to join, by name (repeatable)" };
        return kit.Verb("create", "Create a user", async (s, p, ct) =>
        {
            var body = new JsonObject
            {
                ["user_name"] = p.GetValue(name),
                ["active_type"] = p.GetValue(admin) ? "ADMIN_ACTIVATE" : "USER_ACTIVATE",
            };
            PoolCommands.Set(body, "user_email", p.GetValue(email));
            PoolCommands.Set(body, "user_phone", p.GetValue(phone));
            PoolCommands.Set(body, "password", p.GetValue(password));
            PoolCommands.Set(body, "account_expires", p.GetValue(expires));
            PoolCommands.Set(body, "description", p.GetValue(description));
            if (p.GetValue(groups) is { Length: > 0 } names)
            {
                var ids = new JsonArray();
                foreach (var group in names)
                {
                    ids.Add((await Lookup.GroupAsync(s, group, ct)).Id);
                }

                body["group_ids"] = ids;
            }

            var reply = await s.Api.PostAsync("users", body, ct);
            s.Printer.Result(reply, $"User {p.GetValue(name)} created ({ApiClient.As<IdReply>(reply).Id}).");
            return ExitCodes.Success;
        }, name, email, phone, admin, password, expires, description, groups);
    }

    private static Command List(CommandKit kit)
    {
        var name = new Option<string?>("--name") { Description = "Only users whose name contains this" };
        var group = new Option<string?>("--group") { Description = "Only members of this group" };
        return kit.Verb("list", "List users", async (s, p, ct) =>
        {
            var query = "users?limit=1000";
            query += p.GetValue(name) is { } n ? $"&user_name={Lookup.Q(n)}" : "";
            query += p.GetValue(group) is { } g ? $"&group_name={Lookup.Q(g)}" : "";
            var raw = await s.Api.GetAsync(query, ct);
            s.Printer.Data(raw, () =>
            {
                var table = Printer.NewTable("ID", "NAME", "E-MAIL", "ACTIVATION", "ACTIVATED", "LOCKED", "GROUPS");
                foreach (var u in ApiClient.As<UserList>(raw).Users)
                {
                    Printer.Row(table, u.Id, u.UserName, u.UserEmail, u.ActiveType, u.Activated ? "yes" : "no",
                        u.Locked ? "yes" : "no", string.Join(", ", u.GroupNames ?? []));
                }

                return table;
            });
            return ExitCodes.Success;
        }, name, group);
    }

    private static Command Show(CommandKit kit)
    {
        var user = UserArgument();
        return kit.Verb("show", "Show one user", async (s, p, ct) =>
        {
            var id = await Lookup.UserIdAsync(s, p.GetValue(user)!, ct);
            var raw = await s.Api.GetAsync($"users/{Lookup.Q(id)}", ct);
            s.Printer.Data(raw, () =>
            {
                var u = ApiClient.As<UserDetailReply>(raw).UserDetail;
                return Printer.Details(
                    ("id", u.Id), ("name", u.UserName), ("e-mail", u.UserEmail), ("mobile", u.UserPhone),
                    ("activation", u.ActiveType), ("activated", u.IsPreUser ? "no" : "yes"),
                    ("locked", u.Locked ? "yes" : "no"), ("disabled", u.Disabled ? "yes" : "no"),
                    ("expires", u.AccountExpires == 0 ? "never" :
                        DateTimeOffset.FromUnixTimeMilliseconds(u.AccountExpires).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'")),
                    ("groups", string.Join(", ", u.GroupNames ?? [])), ("description", u.Description),
                    ("created", u.WhenCreated));
            });
            return ExitCodes.Success;
        }, user);
    }

    private static Command Status(CommandKit kit, string verb, string opType)
    {
        var user = UserArgument();
        return kit.Verb(verb, $"{char.ToUpperInvariant(verb[0])}{verb[1..]} a user", async (s, p, ct) =>
        {
            var id = await Lookup.UserIdAsync(s, p.GetValue(user)!, ct);
            var reply = await s.Api.PostAsync($"users/{Lookup.Q(id)}/actions", new JsonObject { ["op_type"] = opType }, ct);
            s.Printer.Result(reply, $"User {p.GetValue(user)}: {verb} done.");
            return ExitCodes.Success;
        }, user);
    }

    private static Command Delete(CommandKit kit)
    {
        var users = new Argument<string[]>("users") { Description = "User names or ids", Arity = ArgumentArity.OneOrMore };
        return kit.Verb("delete", "Delete users", async (s, p, ct) =>
        {
            var ids = new JsonArray();
            foreach (var user in p.GetValue(users)!)
            {
                ids.Add(await Lookup.UserIdAsync(s, user, ct));
            }

            var reply = await s.Api.PostAsync("users/batch-delete", new JsonObject { ["user_ids"] = ids }, ct);
            s.Printer.Result(reply, $"{ids.Count} user(s) deleted.");
            return ExitCodes.Success;
        }, users);
    }

    private static Command Template(CommandKit kit)
    {
        var output = new Argument<string>("file") { Description = "Where to write the .xlsx template" };
        return kit.Verb("template", "Download the import template (.xlsx)", async (s, p, ct) =>
        {
            var bytes = await s.Api.GetBytesAsync("users/template", ct);
            await File.WriteAllBytesAsync(p.GetValue(output)!, bytes, ct);
            s.Printer.Note($"Template written to {p.GetValue(output)} ({bytes.Length} bytes).");
            return ExitCodes.Success;
        }, output);
    }

    private static Command Import(CommandKit kit)
    {
        var file = new Argument<string>("file") { Description = "The filled-in .xlsx template" };
        var yes = new Option<bool>("--yes", "-y") { Description = "Create the valid rows without asking" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show the verdict per row and create nothing" };
        return kit.Verb("import", "Import users from a workbook: preview, confirm, create", async (s, p, ct) =>
        {
            var path = p.GetValue(file)!;
            if (!File.Exists(path))
            {
                throw new CliException($"No such file: {path}", ExitCodes.Usage);
            }

            // The server takes at most 1 MB; refusing here gives the same answer without sending a large file.
            if (new FileInfo(path).Length > 1024 * 1024)
            {
                throw new CliException(
                    $"{path} is {new FileInfo(path).Length / 1024} KB; the server accepts workbooks of at most 1 MB.",
                    ExitCodes.Validation);
            }

            var bytes = await File.ReadAllBytesAsync(path, ct);
            var raw = await s.Api.UploadAsync("users/import", Path.GetFileName(path), bytes, ct);
            var preview = ApiClient.As<ImportPreview>(raw);
            if (s.Printer.IsTable)
            {
                s.Printer.Console.Write(Verdicts(preview.Rows));
            }

            s.Printer.Note($"{preview.TotalCount} row(s): {preview.ValidCount} valid, {preview.InvalidCount} invalid.");
            if (p.GetValue(dryRun))
            {
                Script(s, raw);
                return preview.InvalidCount == 0 ? ExitCodes.Success : ExitCodes.Validation;
            }

            if (preview.ValidCount == 0)
            {
                Script(s, raw);
                s.Host.Err.WriteLine("Error: no valid row to import; correct the sheet and upload it again.");
                return ExitCodes.Validation;
            }

            if (!p.GetValue(yes) && !Confirm(s, preview))
            {
                Script(s, raw);
                s.Host.Err.WriteLine("Nothing imported.");
                return ExitCodes.Failed;
            }

            var confirmed = await s.Api.PostAsync($"users/import/{Lookup.Q(preview.ImportId)}/confirm", null, ct);
            var result = ApiClient.As<ImportResult>(confirmed);
            if (s.Printer.IsTable)
            {
                s.Host.Out.WriteLine($"Imported: {result.CreatedCount} created, {result.FailedCount} failed.");
                foreach (var row in result.Failed)
                {
                    s.Host.Out.WriteLine($"  row {row.Row} {row.UserName}: {Verdict(row)}");
                }
            }
            else
            {
                Script(s, confirmed);
            }

            return result.FailedCount == 0 ? ExitCodes.Success : ExitCodes.Failed;
        }, file, yes, dryRun);
    }

    /// <summary>With JSON or YAML output, the API's answer is what a script reads; tables say it otherwise.</summary>
    private static void Script(Session s, JsonNode? raw)
    {
        if (!s.Printer.IsTable)
        {
            s.Printer.Data(raw, () => new Spectre.Console.Text(""));
        }
    }

    private static bool Confirm(Session s, ImportPreview preview)
    {
        if (!s.Host.InputIsTerminal)
        {
            throw new CliException(
                "Standard input is not a terminal, so no one can answer the confirmation; pass --yes to import.",
                ExitCodes.Usage);
        }

        s.Host.Err.Write($"Create {preview.ValidCount} user(s)? [y/N] ");
        var answer = s.Host.In.ReadLine()?.Trim();
        return answer is not null && (answer.Equals("y", StringComparison.OrdinalIgnoreCase)
            || answer.Equals("yes", StringComparison.OrdinalIgnoreCase));
    }

    private static Spectre.Console.Table Verdicts(IReadOnlyList<ImportRow> rows)
    {
        var table = Printer.NewTable("ROW", "USER NAME", "E-MAIL", "VERDICT");
        foreach (var row in rows)
        {
            Printer.Row(table, row.Row.ToString(), row.UserName, row.UserEmail, Verdict(row));
        }

        return table;
    }

    private static string Verdict(ImportRow row) => row.Valid
        ? "ok"
        : string.Join("; ", (row.Errors ?? []).Select(e => $"{e.ErrorCode} {e.Field}: {e.ErrorMsg}"));
}
