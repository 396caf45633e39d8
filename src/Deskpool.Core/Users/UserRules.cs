using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Deskpool.Core.Validation;

namespace Deskpool.Core.Users;

/// <summary>
/// Every rule of the purchase page for usernames, e-mail addresses, mobile numbers, initial
/// passwords and expiry. Single creation, batch creation, import and update all call these.
/// </summary>
public static partial class UserRules
{
    public const int MaxUserNameLength = 20;
    public const int MaxEmailLength = 55;
    public const int MaxPhoneLength = 20;
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 32;
    public const string PasswordSpecials = "!@$%^-_=+[{}]:,./?";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex UserNamePattern();

    [GeneratedRegex(@"^((([0-9a-zA-Z_]+)|([0-9a-zA-Z]+[_.0-9a-zA-Z-]*[0-9a-zA-Z]+))@([a-zA-Z0-9_-]+[.])+[a-zA-Z0-9]+)$")]
    private static partial Regex EmailPattern();

    [GeneratedRegex(@"^\+?[0-9][0-9 /-]*[0-9]$")]
    private static partial Regex PhoneShape();

    /// <summary>
    /// Usernames are compared after NFKC normalisation, case-insensitively. Text that cannot be
    /// normalised (it holds code points that are not characters) stays as it is, for the field's
    /// own rule to refuse.
    /// </summary>
    public static string Normalize(string text)
    {
        try
        {
            return text.Normalize(NormalizationForm.FormKC).Trim();
        }
        catch (ArgumentException)
        {
            return text.Trim();
        }
    }

    public static string Key(string text) => Normalize(text).ToUpperInvariant();

    /// <summary>
    /// 1–20 characters of letters, digits, '-', '_' and '.'; all-digit names allowed; starts with a
    /// letter or digit; does not end with '.' or '_'.
    /// </summary>
    public static string? UserName(Rules rules, string field, string? value)
    {
        if (!rules.Required(field, value))
        {
            return null;
        }

        var name = Normalize(value!);
        if (!rules.Length(field, name, 1, MaxUserNameLength))
        {
            return null;
        }

        if (!UserNamePattern().IsMatch(name))
        {
            rules.Fail(ErrorCodes.FieldFormat, field,
                $"{field} may contain only letters, digits, '-', '_' and '.', and must start with a letter or digit.");
            return null;
        }

        if (name.EndsWith('.') || name.EndsWith('_'))
        {
            rules.Fail(ErrorCodes.FieldFormat, field, $"{field} may not end with '.' or '_'.");
            return null;
        }

        return name;
    }

    /// <summary>A valid address of at most 55 characters.</summary>
    public static string? Email(Rules rules, string field, string? value, bool required)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required)
            {
                rules.Fail(ErrorCodes.FieldRequired, field,
                    $"{field} is required: the activation link is sent by e-mail.");
            }

            return null;
        }

        var email = Normalize(value);
        if (!rules.Length(field, email, 1, MaxEmailLength))
        {
            return null;
        }

        return rules.Matches(field, email, EmailPattern(), "is not a valid e-mail address") ? email : null;
    }

    /// <summary>
    /// [+][country/region code][number]; numbers of the Chinese mainland may leave out '+' and the
    /// code (11 digits starting with 1); spaces, '/' and '-' may separate digits.
    /// </summary>
    public static string? Phone(Rules rules, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var phone = Normalize(value);
        if (!rules.Length(field, phone, 1, MaxPhoneLength))
        {
            return null;
        }

        var digits = new string(phone.Where(char.IsAsciiDigit).ToArray());
        var international = phone.StartsWith('+') && digits.Length is >= 7 and <= 15;
        var mainland = !phone.StartsWith('+') && digits.Length == 11 && digits[0] == '1';
        if (!PhoneShape().IsMatch(phone) || !(international || mainland))
        {
            rules.Fail(ErrorCodes.FieldFormat, field,
                $"{field} must be +<country code><number> (7 to 15 digits), or an 11-digit Chinese mainland " +
                "mobile number starting with 1; digits may be separated by spaces, '/' or '-'.");
            return null;
        }

        return phone;
    }

    /// <summary>
    /// 8–32 characters, at least three of upper case, lower case, digits and the specials
    /// <c>!@$%^-_=+[{}]:,./?</c>, nothing else, and neither the username nor the username reversed.
    /// </summary>
    public static bool Password(Rules rules, string field, string? password, string? userName)
    {
        if (!rules.Required(field, password) || !rules.Length(field, password, MinPasswordLength, MaxPasswordLength))
        {
            return false;
        }

        var text = password!;
        var other = text.FirstOrDefault(c => !char.IsAsciiLetterOrDigit(c) && !PasswordSpecials.Contains(c));
        if (other != default)
        {
            rules.Fail(ErrorCodes.FieldFormat, field,
                $"{field} may contain only letters, digits and the special characters {PasswordSpecials} " +
                $"(found U+{(int)other:X4}).");
            return false;
        }

        var classes = new[]
        {
            text.Any(char.IsAsciiLetterUpper),
            text.Any(char.IsAsciiLetterLower),
            text.Any(char.IsAsciiDigit),
            text.Any(c => PasswordSpecials.Contains(c)),
        }.Count(present => present);
        if (classes < 3)
        {
            rules.Fail(ErrorCodes.FieldFormat, field,
                $"{field} must contain at least three of: upper-case letters, lower-case letters, digits, " +
                $"special characters {PasswordSpecials}.");
            return false;
        }

        if (userName is not null)
        {
            var reversed = new string(userName.Reverse().ToArray());
            if (string.Equals(password, userName, StringComparison.OrdinalIgnoreCase)
                || string.Equals(password, reversed, StringComparison.OrdinalIgnoreCase))
            {
                rules.Fail(ErrorCodes.FieldFormat, field, $"{field} may not be the username or the username reversed.");
                return false;
            }
        }

        return true;
    }

    /// <summary><c>"0"</c> (never) or a future UTC instant <c>yyyy-MM-ddTHH:mm:ss[.fff]Z</c>.</summary>
    public static DateTimeOffset? Expiry(Rules rules, string field, string? value, DateTimeOffset now, out bool valid)
    {
        valid = true;
        if (value is null || value == "0")
        {
            return null;
        }

        string[] formats = ["yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.fff'Z'"];
        if (!DateTimeOffset.TryParseExact(value, formats, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
        {
            rules.Fail(ErrorCodes.FieldFormat, field,
                $"{field} must be \"0\" (never) or a UTC time like 2027-06-30T23:59:59Z (got '{value}').");
            valid = false;
            return null;
        }

        if (instant <= now)
        {
            rules.Fail(ErrorCodes.FieldOutOfRange, field, $"{field} must lie in the future (got {value}).");
            valid = false;
            return null;
        }

        return instant;
    }
}
