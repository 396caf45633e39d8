using System.Globalization;
using Deskpool.Server.Api;
using Deskpool.Server.Hosting;
using Deskpool.Server.Security;
using Deskpool.WebConsole;

// Every message, number and time on the wire is culture-independent, whatever the host's locale.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.InvariantCulture;

// deskpool-server            serve the API (creates the schema of a new database)
// deskpool-server migrate    bring an existing database's schema up to this version, then exit
var migrateOnly = args.Length > 0 && args[0] == "migrate";
var builder = WebApplication.CreateBuilder(migrateOnly ? args[1..] : args);
builder.AddDeskpool();

var app = builder.Build();
if (!await app.PrepareAsync(migrate: migrateOnly))
{
    return 1;
}

if (migrateOnly)
{
    Console.WriteLine("deskpool-server: the database schema is up to date.");
    return 0;
}

app.UseSecurityHeaders();
app.MapDeskpoolOperations();
app.MapDeskpoolApi();
app.MapDeskpoolConsole();
await app.RunAsync();
return 0;

/// <summary>The entry point, named so that tests can host the real pipeline.</summary>
public partial class Program;
