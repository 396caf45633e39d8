using System.Globalization;
using System.Text;
using System.Text.Json;
using Deskpool.Core.Validation;

namespace Deskpool.Server.Api;

/// <summary>
/// One rule for every string of every JSON body, names and values alike: no control characters
/// (line breaks and tabs included: no field of this API is multi-line, and a line break in a name
/// forges lines in logs and mails), no Unicode noncharacters, no unpaired surrogates, and no
/// bidirectional overrides that make a name read differently from what it is. Field rules come
/// after this one and never see such text.
/// </summary>
internal static class BodyText
{
    /// <summary>The first string breaking the rule, as a 400 naming its field; null when every string is clean.</summary>
    public static Failure? FindForbidden(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = ApiJson.Options.MaxDepth });
        var path = new List<string>();
        var indexes = new List<int>();
        string? property = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        property = reader.GetString()!;
                        if (Forbidden(property) is { } inName)
                        {
                            return Refuse(Field(path, indexes, property), inName, "a property name");
                        }

                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        path.Add(Segment(indexes, property));
                        indexes.Add(reader.TokenType == JsonTokenType.StartArray ? 0 : -1);
                        property = null;
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        indexes.RemoveAt(indexes.Count - 1);
                        Advance(indexes);
                        break;
                    case JsonTokenType.String:
                        if (Forbidden(reader.GetString()!) is { } inValue)
                        {
                            return Refuse(Field(path, indexes, property), inValue, "text");
                        }

                        Advance(indexes);
                        break;
                    default:
                        Advance(indexes);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            return null; // Not JSON at all: the deserializer says where, with the usual message.
        }
        catch (InvalidOperationException)
        {
            return null; // An escaped unpaired surrogate: the deserializer refuses it, naming the field.
        }

        return null;
    }

    /// <summary>What is wrong with the text, or null when nothing is.</summary>
    public static string? Forbidden(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            var value = rune.Value;
            if (Rune.IsControl(rune))
            {
                return $"the control character U+{value:X4}";
            }

            if (value is >= 0xFDD0 and <= 0xFDEF || (value & 0xFFFE) == 0xFFFE)
            {
                return $"the noncharacter U+{value:X4}";
            }

            if (value is >= 0x202A and <= 0x202E or >= 0x2066 and <= 0x2069)
            {
                return $"the bidirectional control U+{value:X4}";
            }
        }

        // EnumerateRunes turns unpaired surrogates into U+FFFD; a string holding them is not text.
        return text.Any(char.IsSurrogate) && !HasOnlyPairs(text) ? "an unpaired surrogate" : null;
    }

    private static bool HasOnlyPairs(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static Failure Refuse(string field, string what, string where) => Failure.Invalid(ErrorCodes.FieldFormat, field,
        $"{field} holds {what}; {where} in a request may not contain control characters, noncharacters or bidirectional controls.");

    private static void Advance(List<int> indexes)
    {
        if (indexes.Count > 0 && indexes[^1] >= 0)
        {
            indexes[^1]++;
        }
    }

    /// <summary>The name the next container gets in the path: its property, or its index in the enclosing array.</summary>
    private static string Segment(List<int> indexes, string? property) =>
        indexes.Count > 0 && indexes[^1] >= 0 ? $"[{indexes[^1]}]" : property ?? "";

    private static string Field(List<string> path, List<int> indexes, string? property)
    {
        var builder = new StringBuilder();
        foreach (var segment in path.Skip(1))
        {
            if (builder.Length > 0 && !segment.StartsWith('['))
            {
                builder.Append('.');
            }

            builder.Append(segment);
        }

        if (indexes.Count > 0 && indexes[^1] >= 0)
        {
            builder.Append(CultureInfo.InvariantCulture, $"[{indexes[^1]}]");
        }
        else if (property is not null)
        {
            if (builder.Length > 0)
            {
                builder.Append('.');
            }

            builder.Append(property);
        }

        return builder.Length == 0 ? "body" : builder.ToString();
    }
}
