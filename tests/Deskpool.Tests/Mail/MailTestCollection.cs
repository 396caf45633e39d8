namespace Deskpool.Tests.Mail;

/// <summary>
/// The mail tests start servers, an SMTP server and a child server process; they run on their own,
/// after the parallel tests, so that their load does not shift the timing other tests rely on.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MailTestCollection
{
    public const string Name = "Mail";
}
