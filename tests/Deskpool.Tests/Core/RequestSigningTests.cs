using System.Text;
using Deskpool.Core.Tenancy.AccessKeys;
using Deskpool.Core.Validation;

namespace Deskpool.Tests.Core;

/// <summary>The SDK-HMAC-SHA256 verifier against the scheme's published test vectors, and its refusals.</summary>
public sealed class RequestSigningTests
{
    private const string Secret = "SecretKey";
    private const string Date = "20060102T150405Z";
    private static readonly DateTimeOffset SignedAt = new(2006, 1, 2, 15, 4, 5, TimeSpan.Zero);

    private static SignedRequest Vector(string method, string query, byte[] body) => new(
        method,
        "/path",
        [KeyValuePair.Create(query.Split('=')[0], query.Split('=')[1])],
        new Dictionary<string, IReadOnlyList<string>>
        {
            ["host"] = ["example.huaweicloud.com"],
            ["x-sdk-date"] = [Date],
        },
        SdkHmacSha256.PayloadHash(body));

    private static SignatureHeader Header(string signature) =>
        SignatureHeader.Parse($"SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature={signature}")!;

    [Fact]
    public void Vector1_CanonicalRequest_IsThePublishedOne()
    {
        var canonical = SdkHmacSha256.CanonicalRequest(Vector("GET", "limit=1", []), ["x-sdk-date"]);

        Assert.Equal(
            "GET\n/path/\nlimit=1\nx-sdk-date:20060102T150405Z\n\nx-sdk-date\n" +
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            canonical);
    }

    [Theory]
    [InlineData("GET", "limit=1", "", "5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624")]
    [InlineData("POST", "key=value", "{\"Name\":\"test\",\"Id\":1}\n",
        "cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59")]
    public void PublishedVectors_Verify(string method, string query, string body, string signature)
    {
        var request = Vector(method, query, Encoding.UTF8.GetBytes(body));

        var canonical = SdkHmacSha256.CanonicalRequest(request, ["x-sdk-date"]);
        Assert.Equal(signature, SdkHmacSha256.Signature(Secret, SdkHmacSha256.StringToSign(Date, canonical)));
        Assert.True(RequestSignature.Matches(request, Header(signature), Date, Secret));
    }

    [Fact]
    public void QueryEncodingVector_IsThePublishedOne()
    {
        KeyValuePair<string, string>[] parameters =
        [
            new("test", "一 (&=?!#%.*)"), new("multi", "3"), new("limit", "1"), new("multi", "1"),
            new("path", "/tmp/123"), new("enable", "true"), new("multi", "2"),
        ];

        Assert.Equal(
            "enable=true&limit=1&multi=1&multi=2&multi=3&path=%2Ftmp%2F123&test=%E4%B8%80%20%28%26%3D%3F%21%23%25.%2A%29",
            SdkHmacSha256.CanonicalQueryString(parameters));
    }

    [Theory]
    [InlineData("/v2/p/desktop-pools", "/v2/p/desktop-pools/")]
    [InlineData("/v2/p/desktop-pools/", "/v2/p/desktop-pools/")]
    [InlineData("/v2/p/users/mei lin+ops~x", "/v2/p/users/mei%20lin%2Bops~x/")]
    [InlineData("/", "/")]
    public void CanonicalUri_EncodesEachSegment_AndEndsInASlash(string path, string expected) =>
        Assert.Equal(expected, SdkHmacSha256.CanonicalUri(path));

    [Fact]
    public void AlteredRequest_OrWrongSecret_DoesNotVerify()
    {
        const string signature = "cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59";
        var request = Vector("POST", "key=value", Encoding.UTF8.GetBytes("{\"Name\":\"test\",\"Id\":1}\n"));

        Assert.False(RequestSignature.Matches(request, Header(signature), Date, "SecretKey2"));
        Assert.False(RequestSignature.Matches(
            request with { PayloadHash = SdkHmacSha256.PayloadHash("{\"Name\":\"test\",\"Id\":2}\n"u8) },
            Header(signature), Date, Secret));
        Assert.False(RequestSignature.Matches(request with { Method = "PUT" }, Header(signature), Date, Secret));
        Assert.False(RequestSignature.Matches(request, Header(signature), "20060102T150406Z", Secret));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer abc")]
    [InlineData("SDK-HMAC-SHA256 Access=AK, SignedHeaders=x-sdk-date")]
    [InlineData("SDK-HMAC-SHA256 Access=AK, SignedHeaders=x-sdk-date, Signature=ABC")]
    [InlineData("SDK-HMAC-SHA256 Access=AK, SignedHeaders=X-Sdk-Date, Signature=" +
        "5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624")]
    [InlineData("SDK-HMAC-SHA256 Access=AK, Access=AK, SignedHeaders=x-sdk-date, Signature=" +
        "5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624")]
    [InlineData("SDK-HMAC-SHA256 Access=A K, SignedHeaders=x-sdk-date, Signature=" +
        "5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624")]
    public void MalformedAuthorizationHeader_IsNotParsed(string? authorization) =>
        Assert.Null(SignatureHeader.Parse(authorization));

    [Fact]
    public void AuthorizationHeader_IsParsedAsTheSdksWriteIt()
    {
        var header = SignatureHeader.Parse("SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, " +
            "SignedHeaders=content-type;host;x-sdk-date, Signature=" +
            "5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624")!;

        Assert.Equal("QTWAOYTTINDUT2QVKYUC", header.AccessKeyId);
        Assert.Equal(["content-type", "host", "x-sdk-date"], header.SignedHeaders);
    }

    [Theory]
    [InlineData(14, null)]
    [InlineData(-14, null)]
    [InlineData(15, null)]
    [InlineData(16, ErrorCodes.SignatureExpired)]
    [InlineData(-16, ErrorCodes.SignatureExpired)]
    public void Date_MustBeWithinFifteenMinutes(int minutesOff, string? code)
    {
        var failure = RequestSignature.CheckDate(Date, SignedAt.AddMinutes(minutesOff));

        Assert.Equal(code, failure?.Code);
        if (failure is not null)
        {
            Assert.Equal(FailureKind.Unauthorized, failure.Kind);
            Assert.StartsWith("signature expired, signature time:20060102T150405Z, server time:", failure.Message,
                StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("2006-01-02T15:04:05Z")]
    [InlineData("20060102T150405")]
    public void MissingOrMalformedDate_IsRefused(string? date) =>
        Assert.Same(RequestSignature.MissingDate, RequestSignature.CheckDate(date, SignedAt));

    [Fact]
    public void SealedSecret_OpensOnlyWithItsKeyAndForItsId()
    {
        var box = new SecretBox(SecretBox.NewKey());
        var sealedSecret = box.Seal("the-secret", "AK1");

        Assert.DoesNotContain("the-secret", sealedSecret, StringComparison.Ordinal);
        Assert.Equal("the-secret", box.Open(sealedSecret, "AK1"));
        Assert.Null(box.Open(sealedSecret, "AK2"));
        Assert.Null(new SecretBox(SecretBox.NewKey()).Open(sealedSecret, "AK1"));
        Assert.Null(box.Open(sealedSecret[..^4] + "AAAA", "AK1"));
    }
}
