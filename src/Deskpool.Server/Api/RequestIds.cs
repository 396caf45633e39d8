using System.Text.RegularExpressions;

namespace Deskpool.Server.Api;

/// <summary>Gives every response an <c>X-Request-Id</c>; a sane id sent by the client is kept.</summary>
internal static partial class RequestIds
{
    public const string Header = "X-Request-Id";
    private const string ItemKey = "deskpool.request-id";

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex Acceptable();

    public static string? Current(HttpContext? context) =>
        context?.Items.TryGetValue(ItemKey, out var id) == true ? id as string : null;

    public static IApplicationBuilder UseRequestIds(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var sent = context.Request.Headers[Header].ToString();
        var id = Acceptable().IsMatch(sent) ? sent : Guid.NewGuid().ToString("N");
        context.Items[ItemKey] = id;
        context.Response.Headers[Header] = id;
        await next(context);
    });
}
