using System.CommandLine;
using System.Text.Json.Nodes;
using Deskpool.Cli.Api;
using Deskpool.Cli.Output;

namespace Deskpool.Cli.Commands;

/// <summary><c>deskpool groups …</c> and <c>deskpool naming-policies …</c>.</summary>
internal static class GroupCommands
{
    public static Command Groups(CommandKit kit) => CommandKit.Group("groups", "User groups",
        Create(kit), List(kit), Delete(kit), Members(kit, "add-members", "ADD"), Members(kit, "remove-members", "DELETE"));

    public static Command NamingPolicies(CommandKit kit) => CommandKit.Group("naming-policies",
        "Desktop naming policies (computer-name rules)", CreatePolicy(kit), ListPolicies(kit), DeletePolicies(kit));

    private static Command Create(CommandKit kit)
    {
        var name = new Argument<string>("name") { Description = "Group name" };
        var platform = new Option<string>("--platform")
        {
            Description = "LOCAL or AD",
            DefaultValueFactory = _ => "LOCAL",
        };
        platform.AcceptOnlyFromAmong("LOCAL", "AD");
        var description = new Option<string?>("--description") { Description = "Description" };
        return kit.Verb("create", "Create a user group", async (s, p, ct) =>
        {
            var body = new JsonObject { ["group_name"] = p.GetValue(name), ["platform_type"] = p.GetValue(platform) };
            PoolCommands.Set(body, "description", p.GetValue(description));
            var reply = await s.Api.PostAsync("groups", body, ct);
            s.Printer.Result(reply, $"Group {p.GetValue(name)} created.");
            return ExitCodes.Success;
        }, name, platform, description);
    }

    private static Command List(CommandKit kit)
    {
        var keyword = new Option<string?>("--name") { Description = "Only groups whose name contains this" };
        return kit.Verb("list", "List user groups", async (s, p, ct) =>
        {
            var filter = p.GetValue(keyword) is { } k ? $"&keyword={Lookup.Q(k)}" : "";
            var raw = await s.Api.GetAsync($"groups?limit=100{filter}", ct);
            s.Printer.Data(raw, () =>
            {
                var table = Printer.NewTable("ID", "NAME", "PLATFORM", "USERS", "DESCRIPTION");
                foreach (var g in ApiClient.As<GroupList>(raw).UserGroups)
                {
                    Printer.Row(table, g.Id, g.Name, g.PlatformType, g.UserQuantity.ToString(), g.Description);
                }

                return table;
            });
            return ExitCodes.Success;
        }, keyword);
    }

    private static Command Delete(CommandKit kit)
    {
        var groups = new Argument<string[]>("groups")
        {
            Description = "Group names or ids",
            Arity = ArgumentArity.OneOrMore,
        };
        return kit.Verb("delete", "Delete user groups", async (s, p, ct) =>
        {
            var ids = new JsonArray();
            foreach (var group in p.GetValue(groups)!)
            {
                ids.Add((await Lookup.GroupAsync(s, group, ct)).Id);
            }

            var reply = await s.Api.PostAsync("groups/batch-delete", new JsonObject { ["group_ids"] = ids }, ct);
            s.Printer.Result(reply, $"{ids.Count} group(s) deleted.");
            return ExitCodes.Success;
        }, groups);
    }

    private static Command Members(CommandKit kit, string verb, string opType)
    {
        var group = new Argument<string>("group") { Description = "Group name or id" };
        var users = new Argument<string[]>("users") { Description = "User names or ids", Arity = ArgumentArity.OneOrMore };
        var description = opType == "ADD" ? "Add users to a group" : "Remove users from a group";
        return kit.Verb(verb, description, async (s, p, ct) =>
        {
            var found = await Lookup.GroupAsync(s, p.GetValue(group)!, ct);
            var ids = new JsonArray();
            foreach (var user in p.GetValue(users)!)
            {
                ids.Add(await Lookup.UserIdAsync(s, user, ct));
            }

            var reply = await s.Api.PostAsync($"groups/{Lookup.Q(found.Id)}/actions",
                new JsonObject { ["op_type"] = opType, ["user_ids"] = ids }, ct);
            s.Printer.Result(reply, $"Group {found.Name}: {verb} done for {ids.Count} user(s).");
            return ExitCodes.Success;
        }, group, users);
    }

    private static Command CreatePolicy(CommandKit kit)
    {
        var file = new Option<string?>("--file", "-f") { Description = "Request body as a JSON or YAML file" };
        var name = new Option<string?>("--name") { Description = "Policy name" };
        var prefix = new Option<string?>("--prefix") { Description = "Computer-name prefix, like FIN-" };
        var digits = new Option<int?>("--digits") { Description = "Digits of the counter" };
        var start = new Option<int?>("--start") { Description = "First counter value" };
        return kit.Verb("create", "Create a naming policy", async (s, p, ct) =>
        {
            var body = p.GetValue(file) is { } path
                ? BodyFile.Read(path)
                : new JsonObject { ["single_domain_user_inc"] = 0 };
            PoolCommands.Set(body, "policy_name", p.GetValue(name));
            PoolCommands.Set(body, "name_prefix", p.GetValue(prefix));
            PoolCommands.Set(body, "digit_number", p.GetValue(digits));
            PoolCommands.Set(body, "start_number", p.GetValue(start));
            var reply = await s.Api.PostAsync("desktop-name-policies", body, ct);
            s.Printer.Result(reply, $"Naming policy created ({ApiClient.As<PolicyIdReply>(reply).PolicyId}).");
            return ExitCodes.Success;
        }, file, name, prefix, digits, start);
    }

    private static Command ListPolicies(CommandKit kit) => kit.Verb("list", "List naming policies", async (s, _, ct) =>
    {
        var raw = await s.Api.GetAsync("desktop-name-policies?limit=100", ct);
        s.Printer.Data(raw, () =>
        {
            var table = Printer.NewTable("ID", "NAME", "PREFIX", "DIGITS", "START", "DEFAULT");
            foreach (var n in ApiClient.As<NamingPolicyList>(raw).DesktopNamePolicyInfos)
            {
                Printer.Row(table, n.PolicyId, n.PolicyName, n.NamePrefix, n.DigitNumber.ToString(),
                    n.StartNumber.ToString(), n.IsDefaultPolicy ? "yes" : "no");
            }

            return table;
        });
        return ExitCodes.Success;
    });

    private static Command DeletePolicies(CommandKit kit)
    {
        var policies = new Argument<string[]>("policies")
        {
            Description = "Policy names or ids",
            Arity = ArgumentArity.OneOrMore,
        };
        return kit.Verb("delete", "Delete naming policies", async (s, p, ct) =>
        {
            var ids = new JsonArray();
            foreach (var policy in p.GetValue(policies)!)
            {
                ids.Add(await Lookup.NamingPolicyIdAsync(s, policy, ct));
            }

            var reply = await s.Api.PostAsync(
                "desktop-name-policies/batch-delete", new JsonObject { ["policy_ids"] = ids }, ct);
            s.Printer.Result(reply, $"{ids.Count} naming polic{(ids.Count == 1 ? "y" : "ies")} deleted.");
            return ExitCodes.Success;
        }, policies);
    }
}
