using System.Text.Json.Nodes;

namespace Deskpool.Tests.Support;

/// <summary>Small edits of a request body, so that a test states only the one thing it changes.</summary>
public static class Requests
{
    /// <summary>Sets <paramref name="property"/> to the JSON text <paramref name="json"/>; null removes it.</summary>
    public static JsonObject With(this JsonObject request, string property, string? json)
    {
        if (json is null)
        {
            request.Remove(property);
        }
        else
        {
            request[property] = JsonNode.Parse(json);
        }

        return request;
    }

    /// <summary>Sets <paramref name="property"/> to the string <paramref name="text"/>; null removes it.</summary>
    public static JsonObject WithText(this JsonObject request, string property, string? text)
    {
        if (text is null)
        {
            request.Remove(property);
        }
        else
        {
            request[property] = text;
        }

        return request;
    }

    /// <summary>A JSON array of <paramref name="count"/> copies made by <paramref name="item"/>.</summary>
    public static JsonArray ArrayOf(int count, Func<int, JsonNode> item) =>
        new(Enumerable.Range(0, count).Select(item).ToArray());
}
