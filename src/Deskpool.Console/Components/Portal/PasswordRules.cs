using Deskpool.Core.Users;

namespace Deskpool.WebConsole.Components.Portal;

/// <summary>
/// The help under a new-password field: the rule in words (from the core's constants) until the password
/// typed passes the core's check. Judging the password is left to <see cref="UserRules.Password"/>.
/// </summary>
internal static class PasswordRules
{
    public static readonly string Text =
        $"{UserRules.MinPasswordLength} to {UserRules.MaxPasswordLength} characters, with at least three of: upper-case " +
        $"letters, lower-case letters, digits and {UserRules.PasswordSpecials}; not your username, forwards or backwards.";

    public static string Help(string? password, bool refused) =>
        !string.IsNullOrEmpty(password) && !refused ? "The password meets the rules." : Text;
}
