using Deskpool.Server.Api;

namespace Deskpool.Tests.Api;

public sealed class CostCsvTests
{
    [Theory]
    [InlineData("=SUM(A1)", "'=SUM(A1)")]
    [InlineData("-A1-B2", "'-A1-B2")]
    [InlineData("+1", "'+1")]
    [InlineData("@cmd", "'@cmd")]
    [InlineData("finance-pool", "finance-pool")]
    [InlineData(null, null)]
    public void UserChosenNames_CannotBecomeSpreadsheetFormulas(string? name, string? written) =>
        Assert.Equal(written, CostCsv.Text(name));

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    public void Fields_AreQuotedAsRfc4180Says(string value, string written) => Assert.Equal(written, CostCsv.Field(value));
}
