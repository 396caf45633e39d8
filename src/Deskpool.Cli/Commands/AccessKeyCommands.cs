using System.CommandLine;
using System.Text.Json.Nodes;
using Deskpool.Cli.Api;
using Deskpool.Cli.Output;

namespace Deskpool.Cli.Commands;

/// <summary><c>deskpool access-keys …</c>: access keys (AK/SK) for signed requests, for administrators.</summary>
internal static class AccessKeyCommands
{
    public static Command AccessKeys(CommandKit kit) => CommandKit.Group("access-keys",
        "Access keys (AK/SK) for signed requests", Create(kit), List(kit),
        SetStatus(kit, "disable", "DISABLED", "Disable access keys (their signed requests are refused at once)"),
        SetStatus(kit, "enable", "ENABLED", "Enable access keys again"), Delete(kit));

    private static Command Create(CommandKit kit)
    {
        var name = new Argument<string>("name") { Description = "What the key is for, like ci-pipeline" };
        var credential = new Option<string?>("--credential")
        {
            Description = "The credential (id or name) the key acts as; default: the one this command runs with",
        };
        return kit.Verb("create", "Create an access key; its secret is shown only now", async (s, p, ct) =>
        {
            var body = new JsonObject { ["name"] = p.GetValue(name) };
            PoolCommands.Set(body, "credential", p.GetValue(credential));
            var reply = await s.Api.PostAsync("access-keys", body, ct);
            var key = ApiClient.As<AccessKeyReply>(reply).AccessKey;
            s.Printer.Result(reply, $"""
                Access key created for credential {key.CredentialName} ({key.Role}).
                  access key (AK): {key.Access}
                  secret (SK):     {key.Secret}
                The secret is shown only now; keep it somewhere safe.
                """);
            return ExitCodes.Success;
        }, name, credential);
    }

    private static Command List(CommandKit kit) => kit.Verb("list", "List the project's access keys", async (s, _, ct) =>
    {
        var raw = await s.Api.GetAsync("access-keys", ct);
        s.Printer.Data(raw, () =>
        {
            var table = Printer.NewTable("ACCESS KEY", "NAME", "STATUS", "CREDENTIAL", "ROLE", "CREATED", "LAST USED");
            foreach (var k in ApiClient.As<AccessKeyList>(raw).AccessKeys)
            {
                Printer.Row(table, k.Access, k.Name, k.Status, k.CredentialName, k.Role, k.CreatedAt, k.LastUsedAt ?? "never");
            }

            return table;
        });
        return ExitCodes.Success;
    });

    private static Command SetStatus(CommandKit kit, string verb, string status, string description)
    {
        var keys = new Argument<string[]>("access-keys") { Description = "Access key ids", Arity = ArgumentArity.OneOrMore };
        return kit.Verb(verb, description, async (s, p, ct) =>
        {
            JsonNode? reply = null;
            foreach (var key in p.GetValue(keys)!)
            {
                reply = await s.Api.PutAsync($"access-keys/{Lookup.Q(key)}", new JsonObject { ["status"] = status }, ct);
            }

            s.Printer.Result(reply, $"{p.GetValue(keys)!.Length} access key(s) {status.ToLowerInvariant()}.");
            return ExitCodes.Success;
        }, keys);
    }

    private static Command Delete(CommandKit kit)
    {
        var keys = new Argument<string[]>("access-keys") { Description = "Access key ids", Arity = ArgumentArity.OneOrMore };
        return kit.Verb("delete", "Delete access keys", async (s, p, ct) =>
        {
            foreach (var key in p.GetValue(keys)!)
            {
                await s.Api.DeleteAsync($"access-keys/{Lookup.Q(key)}", ct);
            }

            s.Printer.Result(null, $"{p.GetValue(keys)!.Length} access key(s) deleted.");
            return ExitCodes.Success;
        }, keys);
    }
}
