using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using SmtpHost = SmtpServer.SmtpServer;

namespace Deskpool.Tests.Support;

/// <summary>A message as the SMTP server received it: the envelope and the parsed MIME message.</summary>
public sealed record ReceivedMail(string EnvelopeFrom, IReadOnlyList<string> EnvelopeTo, MimeMessage Message)
{
    public string MessageId => Message.MessageId ?? "";
}

/// <summary>
/// A real SMTP server (the SmtpServer library) listening on a free port of 127.0.0.1 inside the
/// test process. It keeps every message it accepts; a test can make it refuse recipients with any
/// reply code, or hold its answer to a message to stand for a server that is slow to confirm.
/// </summary>
public sealed class SmtpTestServer : IAsyncDisposable
{
    private readonly ConcurrentQueue<ReceivedMail> _received = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SmtpHost _server;
    private readonly Task _running;

    private SmtpTestServer(int port)
    {
        Port = port;
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(endpoint => endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        services.Add(new Filter(this));
        _server = new SmtpHost(options, services);
        _running = _server.StartAsync(_stop.Token);
    }

    public int Port { get; }

    /// <summary>Answers RCPT TO for an address: null accepts it, a reply code and text refuse it.</summary>
    public Func<string, (int Code, string Text)?> RecipientPolicy { get; set; } = _ => null;

    /// <summary>Runs after a message has arrived and been kept, before the server confirms it.</summary>
    public Func<ReceivedMail, Task> OnMessage { get; set; } = _ => Task.CompletedTask;

    public IReadOnlyList<ReceivedMail> Received => _received.ToArray();

    /// <summary>The server settings that make Deskpool send through this server.</summary>
    public Dictionary<string, string?> Settings => new()
    {
        ["Deskpool:Mail:Smtp:Host"] = "127.0.0.1",
        ["Deskpool:Mail:Smtp:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Deskpool:Mail:Smtp:Security"] = "None",
        ["Deskpool:Mail:From"] = "Deskpool <noreply@deskpool.test>",
    };

    public static async Task<SmtpTestServer> StartAsync()
    {
        var server = new SmtpTestServer(FreePort());
        await server.WaitUntilListeningAsync();
        return server;
    }

    /// <summary>A loopback port nothing listens on, for a server that is down.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until <paramref name="count"/> messages matching <paramref name="match"/> have arrived.</summary>
    public async Task<List<ReceivedMail>> WaitForAsync(
        Func<ReceivedMail, bool> match, int count = 1, int timeoutSeconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            var found = Received.Where(match).ToList();
            if (found.Count >= count)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline,
                $"The SMTP server received {found.Count} of {count} expected message(s).");
            await Task.Delay(25);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _server.Shutdown();
        await Task.WhenAny(_running, Task.Delay(TimeSpan.FromSeconds(5)));
        _stop.Dispose();
    }

    private async Task WaitUntilListeningAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_running.IsCompleted)
            {
                await Task.Delay(20);
            }
        }
    }

    private sealed class Store(SmtpTestServer owner) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(
            ISessionContext context,
            IMessageTransaction transaction,
            ReadOnlySequence<byte> buffer,
            CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            var mail = new ReceivedMail(
                transaction.From.AsAddress(), transaction.To.Select(to => to.AsAddress()).ToList(), message);
            owner._received.Enqueue(mail);
            await owner.OnMessage(mail);
            return SmtpResponse.Ok;
        }
    }

    private sealed class Filter(SmtpTestServer owner) : IMailboxFilter
    {
        public Task<bool> CanAcceptFromAsync(
            ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken) =>
            Task.FromResult(true);

        public Task<bool> CanDeliverToAsync(
            ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken)
        {
            if (owner.RecipientPolicy(to.AsAddress()) is { } refusal)
            {
                throw new SmtpResponseException(new SmtpResponse((SmtpReplyCode)refusal.Code, refusal.Text));
            }

            return Task.FromResult(true);
        }
    }
}
