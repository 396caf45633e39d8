using System.Text.Json.Nodes;
using Deskpool.Tests.Support;

namespace Deskpool.Tests.Api;

/// <summary>
/// Tag rules, through create-pool: at most 20 tags; keys of 1–36 letters (any script), digits,
/// spaces and <c>_ . : = + - @</c>, no space of any kind at either end, not starting with
/// <c>_sys_</c>, unique; values of up to 43 of the same characters plus <c>/</c>, possibly empty.
/// </summary>
public sealed class TagRulesTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly string Pools = Wire.Path("desktop-pools");

    private readonly HttpClient _client = fixture.Client;

    [Fact]
    public async Task Create_With21Tags_IsRefused()
    {
        var request = WithTags(Requests.ArrayOf(21, i => Tag($"k{i}", "v")));

        (await _client.PostJsonAsync(Pools, request)).AssertInvalid("WKS.0003", "tags");
    }

    [Fact]
    public async Task Create_With20Tags_IsAcceptedAndKeepsThem()
    {
        var name = ServerFixture.Unique("tagged");
        var request = WithTags(Requests.ArrayOf(20, i => Tag($"k{i}", $"v{i}")), name);

        (await _client.PostJsonAsync(Pools, request)).AssertAccepted();

        var tags = (await _client.PoolByNameAsync(name)).GetProperty("tags").EnumerateArray().ToList();
        Assert.Equal(20, tags.Count);
        Assert.Equal("k19", tags[19].GetProperty("key").GetString());
        Assert.Equal("v19", tags[19].GetProperty("value").GetString());
    }

    [Theory]
    [InlineData("kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk", "WKS.0003")]
    [InlineData("", "WKS.0002")]
    [InlineData("   ", "WKS.0002")]
    [InlineData("a/b", "WKS.0004")]
    [InlineData("a#b", "WKS.0004")]
    [InlineData("a,b", "WKS.0004")]
    [InlineData("a*b", "WKS.0004")]
    [InlineData("a\tb", "WKS.0004")]
    [InlineData("a\u200Bb", "WKS.0004")]
    [InlineData(" key", "WKS.0004")]
    [InlineData("key ", "WKS.0004")]
    [InlineData("\u3000key", "WKS.0004")]
    [InlineData("key\u3000", "WKS.0004")]
    [InlineData("\u00A0key", "WKS.0004")]
    [InlineData("key\u00A0", "WKS.0004")]
    [InlineData("key\n", "WKS.0004")]
    [InlineData("_sys_owner", "WKS.0004")]
    [InlineData("_SYS_owner", "WKS.0004")]
    [InlineData("_Sys_", "WKS.0004")]
    public async Task Create_WithBadTagKey_IsRefused(string key, string code)
    {
        var request = WithTags(new JsonArray(Tag(key, "v")));

        (await _client.PostJsonAsync(Pools, request)).AssertInvalid(code, "tags[0].key");
    }

    [Fact]
    public async Task Create_WithTagWithoutKey_IsRefused()
    {
        var request = WithTags(new JsonArray(new JsonObject { ["value"] = "v" }));

        (await _client.PostJsonAsync(Pools, request)).AssertInvalid("WKS.0002", "tags[0].key");
    }

    [Fact]
    public async Task Create_WithNullTag_IsRefused()
    {
        var request = WithTags(new JsonArray((JsonNode?)null));

        (await _client.PostJsonAsync(Pools, request)).AssertInvalid("WKS.0002", "tags[0]");
    }

    [Theory]
    [InlineData("kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk")]
    [InlineData("k")]
    [InlineData("部门")]
    [InlineData("Kostenstelle-Österreich")]
    [InlineData("cost center")]
    [InlineData("a_b.c:d=e+f-g@h")]
    [InlineData("owner_sys_")]
    [InlineData("sys_owner")]
    [InlineData("𠀀")]
    [InlineData("2026")]
    public async Task Create_WithTagKeyWithinRules_IsAccepted(string key)
    {
        var name = ServerFixture.Unique("keyed");
        var request = WithTags(new JsonArray(Tag(key, "v")), name);

        (await _client.PostJsonAsync(Pools, request)).AssertAccepted();

        var tag = Assert.Single((await _client.PoolByNameAsync(name)).GetProperty("tags").EnumerateArray());
        Assert.Equal(key, tag.GetProperty("key").GetString());
    }

    [Fact]
    public async Task Create_WithDecomposedAccentInTagKey_IsAcceptedAsComposed()
    {
        var name = ServerFixture.Unique("nfd");
        var request = WithTags(new JsonArray(Tag("cafe\u0301", "v")), name);

        (await _client.PostJsonAsync(Pools, request)).AssertAccepted();

        var tag = Assert.Single((await _client.PoolByNameAsync(name)).GetProperty("tags").EnumerateArray());
        Assert.Equal("caf\u00e9", tag.GetProperty("key").GetString());
    }

    [Theory]
    [InlineData("vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv", "WKS.0003")]
    [InlineData("a#b", "WKS.0004")]
    [InlineData("a\\b", "WKS.0004")]
    [InlineData("a,b", "WKS.0004")]
    [InlineData("line\nbreak", "WKS.0004")]
    public async Task Create_WithBadTagValue_IsRefused(string value, string code)
    {
        var request = WithTags(new JsonArray(Tag("k", value)));

        (await _client.PostJsonAsync(Pools, request)).AssertInvalid(code, "tags[0].value");
    }

    [Theory]
    [InlineData("vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv")]
    [InlineData("")]
    [InlineData("team/finance/2026")]
    [InlineData("财务 部")]
    [InlineData("a_b.c:d=e+f-g@h")]
    public async Task Create_WithTagValueWithinRules_IsAccepted(string value)
    {
        var name = ServerFixture.Unique("valued");
        var request = WithTags(new JsonArray(Tag("k", value)), name);

        (await _client.PostJsonAsync(Pools, request)).AssertAccepted();

        var tag = Assert.Single((await _client.PoolByNameAsync(name)).GetProperty("tags").EnumerateArray());
        Assert.Equal(value, tag.GetProperty("value").GetString());
    }

    [Fact]
    public async Task Create_WithTagWithoutValue_IsAcceptedWithEmptyValue()
    {
        var name = ServerFixture.Unique("novalue");
        var request = WithTags(new JsonArray(new JsonObject { ["key"] = "k" }), name);

        (await _client.PostJsonAsync(Pools, request)).AssertAccepted();

        var tag = Assert.Single((await _client.PoolByNameAsync(name)).GetProperty("tags").EnumerateArray());
        Assert.Equal("", tag.GetProperty("value").GetString());
    }

    [Fact]
    public async Task Create_WithDuplicateTagKeys_IsRefused()
    {
        var request = WithTags(new JsonArray(Tag("owner", "a"), Tag("team", "b"), Tag("owner", "c")));

        (await _client.PostJsonAsync(Pools, request)).AssertInvalid("WKS.0005", "tags[2].key");
    }

    private static JsonObject Tag(string key, string value) => new() { ["key"] = key, ["value"] = value };

    private static JsonObject WithTags(JsonArray tags, string? name = null)
    {
        var request = Wire.PoolRequest(name ?? ServerFixture.Unique("tags"), 0);
        request["tags"] = tags;
        return request;
    }
}
