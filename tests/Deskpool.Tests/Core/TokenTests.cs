using Deskpool.Core.Tenancy;

namespace Deskpool.Tests.Core;

public sealed class TokenTests
{
    [Fact]
    public void Matches_OnlyTheTokenTheDigestWasMadeFrom()
    {
        var token = Tokens.NewToken();
        var digest = Tokens.Digest(token);

        Assert.True(Tokens.Matches(digest, token));
        Assert.False(Tokens.Matches(digest, token + "x"));
        Assert.False(Tokens.Matches(digest, Tokens.NewToken()));
        Assert.False(Tokens.Matches(null, token));
    }
}
