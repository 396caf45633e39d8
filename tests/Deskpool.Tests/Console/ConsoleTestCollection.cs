namespace Deskpool.Tests.Console;

/// <summary>
/// The browser tests start a server and a Chromium per class; they run on their own, after the
/// parallel tests, so that two browsers do not fight over the machine's cores while a page waits.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleTestCollection
{
    public const string Name = "Console";
}
