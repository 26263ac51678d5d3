using Broker.Server.Cluster;
using Broker.Server.Configuration;
using Broker.Server.Groups;
using Broker.Server.Handlers;
using Broker.Server.Partitions;
using Broker.Server.Requests;
using Broker.Server.Topics;
using Broker.Storage.Log;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Broker.Server;

/// <summary>Composition of the broker: every service is a singleton shared by all connections.</summary>
public static class ServiceCollectionExtensions
{
    public static IServiceCollection AddBroker(this IServiceCollection services, BrokerConfig config)
    {
        services.AddSingleton(config);
        services.AddSingleton(TimeProvider.System);
        string clusterId = ClusterIdentity.LoadOrCreate(config.LogDirs[0]);
        services.AddSingleton(sp => new LogManager(
            new LogManagerOptions
            {
                LogDirs = config.LogDirs,
                BrokerId = config.BrokerId,
                ClusterId = clusterId,
                DefaultConfig = TopicConfigs.BrokerLogConfig(config),
                RetentionCheckIntervalMs = config.LogRetentionCheckIntervalMs,
            },
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<ReplicaManager>();
        services.AddSingleton(sp => new LocalTopicManager(
            config, sp.GetRequiredService<ReplicaManager>(), clusterId,
            sp.GetRequiredService<ILogger<LocalTopicManager>>()));
        services.AddSingleton<IClusterMetadata>(sp => sp.GetRequiredService<LocalTopicManager>());
        services.AddSingleton<ITopicAdmin>(sp => sp.GetRequiredService<LocalTopicManager>());

        services.AddSingleton<IRequestHandler>(sp => new ApiVersionsHandler(() => sp.GetRequiredService<RequestDispatcher>()));
        services.AddSingleton<IRequestHandler, MetadataHandler>();
        services.AddSingleton<IRequestHandler, ProduceHandler>();
        services.AddSingleton<IRequestHandler, FetchHandler>();
        services.AddSingleton<IRequestHandler, ListOffsetsHandler>();
        services.AddSingleton<IRequestHandler, CreateTopicsHandler>();
        services.AddSingleton<IRequestHandler, DeleteTopicsHandler>();
        services.AddSingleton(GroupCoordinatorOptions.From(config));
        services.AddSingleton<IOffsetsTopic, LocalOffsetsTopic>();
        services.AddSingleton<GroupCoordinator>();
        services.AddSingleton<IRequestHandler, FindCoordinatorHandler>();
        services.AddSingleton<IRequestHandler, JoinGroupHandler>();
        services.AddSingleton<IRequestHandler, SyncGroupHandler>();
        services.AddSingleton<IRequestHandler, HeartbeatHandler>();
        services.AddSingleton<IRequestHandler, LeaveGroupHandler>();
        services.AddSingleton<IRequestHandler, OffsetCommitHandler>();
        services.AddSingleton<IRequestHandler, OffsetFetchHandler>();
        services.AddSingleton<IRequestHandler, ListGroupsHandler>();
        services.AddSingleton<IRequestHandler, DescribeGroupsHandler>();
        services.AddSingleton<IRequestHandler, DeleteGroupsHandler>();
        services.AddSingleton<IRequestHandler, OffsetDeleteHandler>();
        services.AddSingleton<RequestDispatcher>();
        services.AddSingleton(sp => new KafkaConnectionHandler(
            sp.GetRequiredService<RequestDispatcher>(), config.SocketRequestMaxBytes,
            sp.GetRequiredService<ILogger<KafkaConnectionHandler>>()));
        services.AddSingleton<BrokerServer>();
        services.AddHostedService(sp => sp.GetRequiredService<BrokerServer>());
        services.AddHostedService(sp => sp.GetRequiredService<GroupCoordinator>());
        return services;
    }
}
