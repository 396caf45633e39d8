using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Deskpool.Core.Pools;

namespace Deskpool.Core.Validation;

/// <summary>Rules shared by several requests: tags, enterprise project ids.</summary>
public static partial class CommonRules
{
    public const int MaxTags = 20;
    public const int MaxTagKeyLength = 36;
    public const int MaxTagValueLength = 43;

    [GeneratedRegex(@"^[a-zA-Z0-9_-]+\z")]
    private static partial Regex EnterpriseProjectIdPattern();

    /// <summary>Enterprise project ids: up to 36 of letters, digits, '_' and '-' (default "0").</summary>
    public static void EnterpriseProjectId(Rules rules, string field, string? value)
    {
        if (value is null)
        {
            return;
        }

        if (rules.Length(field, value, 1, 36))
        {
            rules.Matches(field, value, EnterpriseProjectIdPattern(), "may contain only letters, digits, '_' and '-'");
        }
    }

    /// <summary>
    /// Checks and normalises tags: at most 20; keys 1–36 characters of letters, digits, spaces and
    /// <c>_ . : = + - @</c>, not starting or ending with any kind of space, not starting with
    /// <c>_sys_</c>; values up to 43 characters of the same set plus <c>/</c>; keys unique.
    /// </summary>
    public static List<Tag> Tags(Rules rules, IReadOnlyList<TagRequest?>? tags)
    {
        var result = new List<Tag>();
        if (tags is null || !rules.Count("tags", tags, 0, MaxTags))
        {
            return result;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < tags.Count; i++)
        {
            var field = $"tags[{i}]";
            var tag = tags[i];
            if (!rules.Required(field, tag) || !rules.Required($"{field}.key", tag!.Key))
            {
                continue;
            }

            var key = tag.Key!.Normalize(NormalizationForm.FormC);
            var value = (tag.Value ?? "").Normalize(NormalizationForm.FormC);
            var keyOk = TagKey(rules, $"{field}.key", key);
            var valueOk = TagText(rules, $"{field}.value", value, MaxTagValueLength, allowSlash: true, allowEmpty: true);
            if (keyOk && !seen.Add(key))
            {
                rules.Fail(ErrorCodes.FieldNotAllowed, $"{field}.key", $"{field}.key '{key}' appears more than once.");
                keyOk = false;
            }

            if (keyOk && valueOk)
            {
                result.Add(new Tag(key, value));
            }
        }

        return result;
    }

    private static bool TagKey(Rules rules, string field, string key)
    {
        // Edge spaces first: a key like "\u3000dept" should hear about the space, not about the character set.
        if (key.Length > 0 && (IsSpace(key[0]) || IsSpace(key[^1])))
        {
            var offending = IsSpace(key[0]) ? key[0] : key[^1];
            rules.Fail(ErrorCodes.FieldFormat, field,
                $"{field} may not start or end with a space (found U+{(int)offending:X4}).");
            return false;
        }

        if (!TagText(rules, field, key, MaxTagKeyLength, allowSlash: false, allowEmpty: false))
        {
            return false;
        }

        if (key.StartsWith("_sys_", StringComparison.OrdinalIgnoreCase))
        {
            rules.Fail(ErrorCodes.FieldFormat, field, $"{field} may not start with '_sys_' (reserved for the system).");
            return false;
        }

        return true;
    }

    private static bool TagText(Rules rules, string field, string text, int max, bool allowSlash, bool allowEmpty)
    {
        var length = new StringInfo(text).LengthInTextElements;
        if (length > max || (!allowEmpty && length == 0))
        {
            rules.Fail(ErrorCodes.FieldOutOfRange, field, allowEmpty
                ? $"{field} must be at most {max} characters long (got {length})."
                : $"{field} must be 1 to {max} characters long (got {length}).");
            return false;
        }

        foreach (var rune in text.EnumerateRunes())
        {
            if (!IsTagCharacter(rune, allowSlash))
            {
                rules.Fail(ErrorCodes.FieldFormat, field,
                    $"{field} may contain only letters, digits, spaces and {(allowSlash ? "_ . : / = + - @" : "_ . : = + - @")}" +
                    $" (found U+{rune.Value:X4}).");
                return false;
            }
        }

        return true;
    }

    private static bool IsTagCharacter(Rune rune, bool allowSlash)
    {
        if (Rune.IsLetter(rune) || Rune.IsDigit(rune))
        {
            return true;
        }

        return rune.Value switch
        {
            ' ' or '_' or '.' or ':' or '=' or '+' or '-' or '@' => true,
            '/' => allowSlash,
            _ => false,
        };
    }

    private static bool IsSpace(char ch) => char.IsWhiteSpace(ch) || char.GetUnicodeCategory(ch) == UnicodeCategory.SpaceSeparator;
}
