using Deskpool.Cli.Api;

namespace Deskpool.Cli.Commands;

/// <summary>
/// Turns the names people type into the ids the API wants. An unknown name ends the command with exit 4,
/// an ambiguous one with exit 2; either way the message says which.
/// </summary>
internal static class Lookup
{
    public static async Task<string> PoolIdAsync(Session s, string nameOrId, CancellationToken ct)
    {
        var list = await s.Api.GetAsync<PoolList>($"desktop-pools?name={Q(nameOrId)}&limit=1000", ct);
        var named = list.DesktopPools.Where(p => p.Name == nameOrId).ToList();

        // Pool names are unique per project, so more than one match means the argument was an id after all.
        return named.Count == 1 ? named[0].Id : nameOrId;
    }

    public static async Task<string> UserIdAsync(Session s, string nameOrId, CancellationToken ct)
    {
        var list = await s.Api.GetAsync<UserList>($"users?user_name={Q(nameOrId)}&limit=1000", ct);
        var named = list.Users.Where(u => string.Equals(u.UserName, nameOrId, StringComparison.OrdinalIgnoreCase)).ToList();
        if (named.Count == 1)
        {
            return named[0].Id;
        }

        if (named.Count > 1)
        {
            throw Ambiguous("user", nameOrId, named.Select(u => $"{u.UserName} ({u.Id})"));
        }

        try
        {
            return (await s.Api.GetAsync<UserDetailReply>($"users/{Q(nameOrId)}", ct)).UserDetail.Id;
        }
        catch (ApiException e) when (e.Status == 404)
        {
            throw new CliException($"No user named '{nameOrId}' (nor with that id).", ExitCodes.NotFound);
        }
    }

    public static async Task<Group> GroupAsync(Session s, string nameOrId, CancellationToken ct)
    {
        var groups = new List<Group>();
        for (var offset = 0; ; offset += 100)
        {
            var page = await s.Api.GetAsync<GroupList>($"groups?offset={offset}&limit=100", ct);
            groups.AddRange(page.UserGroups);
            if (page.UserGroups.Count < 100 || groups.Count >= page.TotalCount)
            {
                break;
            }
        }

        var named = groups.Where(g => string.Equals(g.Name, nameOrId, StringComparison.OrdinalIgnoreCase)).ToList();
        return named.Count switch
        {
            1 => named[0],
            > 1 => throw Ambiguous("group", nameOrId, named.Select(g => $"{g.Name} ({g.Id})")),
            _ => groups.FirstOrDefault(g => g.Id == nameOrId)
                ?? throw new CliException($"No user group named '{nameOrId}' (nor with that id).", ExitCodes.NotFound),
        };
    }

    public static async Task<string> NamingPolicyIdAsync(Session s, string nameOrId, CancellationToken ct)
    {
        var list = await s.Api.GetAsync<NamingPolicyList>("desktop-name-policies?limit=100", ct);
        var named = list.DesktopNamePolicyInfos.Where(p => p.PolicyName == nameOrId).ToList();
        return named.Count switch
        {
            1 => named[0].PolicyId,
            > 1 => throw Ambiguous("naming policy", nameOrId, named.Select(p => p.PolicyId)),
            _ => list.DesktopNamePolicyInfos.Any(p => p.PolicyId == nameOrId)
                ? nameOrId
                : throw new CliException($"No naming policy named '{nameOrId}' (nor with that id).", ExitCodes.NotFound),
        };
    }

    public static string Q(string value) => Uri.EscapeDataString(value);

    private static CliException Ambiguous(string kind, string name, IEnumerable<string> candidates) => new(
        $"The {kind} name '{name}' is ambiguous; use one of these ids: {string.Join(", ", candidates)}.",
        ExitCodes.Usage);
}
