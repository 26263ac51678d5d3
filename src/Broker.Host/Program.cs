using Broker.Host;
using Broker.Server;
using Broker.Server.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NLog.Extensions.Logging;

if (args.Length > 0 && args[0] == "cluster-status") return await ClusterStatusCommand.RunAsync(args[1..]);

CommandLine commandLine;
BrokerConfig config;
IReadOnlyList<string> warnings;
try
{
    commandLine = CommandLine.Parse(args);
    if (!File.Exists(commandLine.ConfigPath))
        throw new ArgumentException($"config file '{commandLine.ConfigPath}' not found");
    config = BrokerConfig.Load(commandLine.ConfigPath, commandLine.Overrides, out warnings);
    _ = Broker.Server.Tls.TlsContext.Of(config); // key and trust stores: a bad one stops start-up here, with its setting
    _ = Broker.Server.Security.ZooKeeper.ZooKeeperLogin.Of(config); // the JAAS Client section, and zookeeper.set.acl's need of it
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"broker: {ex.Message}");
    Console.Error.WriteLine(CommandLine.Usage);
    return 2;
}
catch (ConfigException ex)
{
    Console.Error.WriteLine($"broker: invalid configuration: {ex.Message}");
    return 1;
}

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = [],
    ContentRootPath = AppContext.BaseDirectory,
    DisableDefaults = true,
});
builder.Logging.ClearProviders();
builder.Logging.SetMinimumLevel(LogLevel.Trace);
builder.Logging.AddNLog(NLogConfigPath());
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
builder.Services.AddSingleton<IHostLifetime, ConsoleLifetimeWithoutBanner>();
builder.Services.AddBroker(config);

using var host = builder.Build();
var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Broker.Config");
foreach (var warning in warnings) logger.LogWarning("{Warning}", warning);
try
{
    await host.RunAsync();
    return 0;
}
catch (Exception ex)
{
    logger.LogCritical(ex is Broker.Server.Cluster.ClusterStartupException ? null : ex, "Broker failed: {Message}", ex.Message);
    NLog.LogManager.Shutdown();
    Console.Error.WriteLine($"broker: {ex.Message}");
    return 1;
}
finally
{
    NLog.LogManager.Shutdown();
}

static string NLogConfigPath()
{
    string? home = Environment.GetEnvironmentVariable("BROKER_HOME");
    if (home is not null && File.Exists(Path.Combine(home, "config", "nlog.config")))
        return Path.Combine(home, "config", "nlog.config");
    return Path.Combine(AppContext.BaseDirectory, "nlog.config");
}
