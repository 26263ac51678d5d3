using Broker.Coordination.Scram;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Broker.Coordination;
using Broker.Coordination.Controller;
using Broker.Server.Cluster;
using Broker.Server.Configuration;
using Broker.Server.ControllerChannel;
using Broker.Server.Groups;
using Broker.Server.Handlers;
using Broker.Server.Metrics;
using Broker.Server.Partitions;
using Broker.Server.Producers;
using Broker.Server.Requests;
using Broker.Server.Security;
using Broker.Server.Security.Authorization;
using Broker.Server.Topics;
using Broker.Storage.Log;
using Broker.ZooKeeper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Broker.Server;

/// <summary>Composition of the broker: every service is a singleton shared by all connections.</summary>
public static class ServiceCollectionExtensions
{
    private static void AddSingleBrokerMode(IServiceCollection services, BrokerConfig config, string clusterId)
    {
        services.AddSingleton(sp => new LocalTopicManager(
            config, sp.GetRequiredService<ReplicaManager>(), clusterId,
            sp.GetRequiredService<ILogger<LocalTopicManager>>()));
        services.AddSingleton<IClusterMetadata>(sp => sp.GetRequiredService<LocalTopicManager>());
        services.AddSingleton<ITopicAdmin>(sp => sp.GetRequiredService<LocalTopicManager>());
        services.AddSingleton<IClusterLifecycle, LocalClusterLifecycle>();
        services.AddSingleton<LogDirs.ILogDirFailureHandler, LogDirs.LocalLogDirFailureHandler>();
        services.AddSingleton<IProducerIdBlockSource>(new FileProducerIdBlockSource(config.LogDirs[0]));
        services.AddSingleton<IBrokerConfigAdmin, StaticBrokerConfigAdmin>();
        services.AddSingleton<IScramCredentialStore, NoScramCredentialStore>();
    }

    private static void AddZooKeeperMode(IServiceCollection services, BrokerConfig config)
    {
        services.AddSingleton(sp => new ZooKeeperClient(new ZooKeeperClientOptions
        {
            ConnectString = config.ZookeeperConnect!,
            SessionTimeout = TimeSpan.FromMilliseconds(config.ZookeeperSessionTimeoutMs),
            ConnectionTimeout = TimeSpan.FromMilliseconds(config.ZookeeperConnectionTimeoutMs),
            Logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Broker.ZooKeeper"),
            SaslCredentials = Security.ZooKeeper.ZooKeeperLogin.Of(config) is { } login ? new ZooKeeperSaslCredentials(login.Username, login.Password) : null,
            AclProvider = Broker.Coordination.ZNodes.KafkaZkAcls.Policy(config.ZookeeperSetAcl),
        }));
        services.AddSingleton<KafkaZkStore>();
        services.AddSingleton(sp => new MetadataCache(config.BrokerId));
        services.AddSingleton<IClusterMetadata>(sp => sp.GetRequiredService<MetadataCache>());
        services.AddSingleton(sp => new LeadershipApplier(config, sp.GetRequiredService<ReplicaManager>(), sp.GetRequiredService<MetadataCache>(),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<DynamicBrokerConfig>()));
        services.AddSingleton(sp => new ZkClusterMetadata(sp.GetRequiredService<KafkaZkStore>(), config, sp.GetRequiredService<ReplicaManager>(),
            sp.GetRequiredService<MetadataCache>(), sp.GetRequiredService<LeadershipApplier>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<ControllerRequestFence>())
        {
            DynamicConfig = sp.GetRequiredService<DynamicBrokerConfig>(),
        });
        services.AddSingleton<IBrokerConfigAdmin, ZkBrokerConfigAdmin>();
        AddControllerRequestHandlers(services, sp => sp.GetRequiredService<BrokerRegistration>().BrokerEpoch);
        services.AddSingleton<ITopicAdmin, ZkTopicAdmin>();
        services.AddSingleton(sp => new ControllerChannelManager(ControllerChannelOptionsOf(config), sp.GetRequiredService<ILogger<ControllerChannelManager>>()));
        services.AddSingleton(sp => new KafkaController(
            sp.GetRequiredService<KafkaZkStore>(),
            ControllerOptionsOf(config) with { UncleanLeaderElectionNow = () => sp.GetRequiredService<DynamicBrokerConfig>().Current.UncleanLeaderElectionEnable },
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<KafkaController>>(), sp.GetRequiredService<ControllerChannelManager>()));
        services.AddSingleton<ControlledShutdown>();
        services.AddSingleton<IRequestHandler, ControlledShutdownHandler>();
        services.AddSingleton<IRequestHandler, ElectLeadersHandler>();
        services.AddSingleton(sp => new BrokerRegistration(
            sp.GetRequiredService<KafkaZkStore>(), ZkClusterLifecycle.RegistrationOf(config, sp.GetRequiredService<TimeProvider>()),
            TimeSpan.FromMilliseconds(config.ZookeeperSessionTimeoutMs), sp.GetRequiredService<ILogger<BrokerRegistration>>()));
        services.AddSingleton<IClusterLifecycle, ZkClusterLifecycle>();
        services.AddSingleton<LogDirs.ILogDirFailureHandler, LogDirs.ZkLogDirFailureHandler>();
        services.AddSingleton<IProducerIdBlockSource>(sp => new ZkProducerIdBlockSource(sp.GetRequiredService<KafkaZkStore>(), config.BrokerId));
        services.AddSingleton<UserConfigCache>();
        services.AddSingleton<IScramCredentialStore, ZkScramCredentialStore>();
        if (config.AuthorizerEnabled)
        {
            services.AddSingleton<Broker.Coordination.Acls.AclCache>();
            services.AddSingleton<IAuthorizer>(sp => new AclAuthorizer(() => sp.GetRequiredService<Broker.Coordination.Acls.AclCache>().Snapshot,
                config.SuperUsers, config.AllowEveryoneIfNoAclFound));
            services.AddSingleton<IAclAdmin, ZkAclAdmin>();
        }
    }

    /// <summary>
    /// The broker side of the controller's requests: LeaderAndIsr, UpdateMetadata and StopReplica handlers behind one
    /// <see cref="ControllerRequestFence"/>. Needs <see cref="MetadataCache"/> and <see cref="LeadershipApplier"/>
    /// registered. <paramref name="brokerEpoch"/>: this broker's current epoch (its registration's czxid; -1 when
    /// unregistered). No authentication yet: any client can send these (issue 14).
    /// </summary>
    public static IServiceCollection AddControllerRequestHandlers(IServiceCollection services, Func<IServiceProvider, long> brokerEpoch)
    {
        services.AddSingleton(sp => new ControllerRequestFence(() => brokerEpoch(sp)));
        services.AddSingleton<IRequestHandler, LeaderAndIsrHandler>();
        services.AddSingleton<IRequestHandler, UpdateMetadataHandler>();
        services.AddSingleton<IRequestHandler, StopReplicaHandler>();
        return services;
    }

    /// <summary>The controller's request channel settings: requests go to each broker's inter-broker listener.</summary>
    public static ControllerChannelOptions ControllerChannelOptionsOf(BrokerConfig config) => new(
        config.BrokerId, config.InterBrokerListenerName, TimeSpan.FromMilliseconds(Math.Max(1000, config.ControllerSocketTimeoutMs)),
        TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1)) { Tls = Tls.TlsContext.Of(config), Sasl = config.InterBrokerSasl };

    /// <summary>The controller's settings from the broker config.</summary>
    public static ControllerOptions ControllerOptionsOf(BrokerConfig config) => new(config.BrokerId, config.UncleanLeaderElectionEnable)
    {
        AutoLeaderRebalance = config.AutoLeaderRebalanceEnable,
        LeaderImbalanceCheckInterval = TimeSpan.FromSeconds(config.LeaderImbalanceCheckIntervalSeconds),
        LeaderImbalancePerBrokerPercentage = config.LeaderImbalancePerBrokerPercentage,
    };

    /// <summary>
    /// The counters (always: they are cheap) and, resolved when the endpoint is built, the scrape-time gauges. The
    /// gauges register themselves in the registry when constructed, so they are created with the endpoint's server.
    /// </summary>
    private static void AddMetrics(IServiceCollection services, bool zookeeper)
    {
        services.AddSingleton<BrokerMetrics>();
        services.AddSingleton<BrokerHealth>();
        services.AddSingleton(sp => new ReplicaGauges(sp.GetRequiredService<BrokerMetrics>(), sp.GetRequiredService<ReplicaManager>(),
            sp.GetRequiredService<IClusterMetadata>(),
            zookeeper ? () => sp.GetRequiredService<KafkaController>().IsActive : () => true));
        services.AddSingleton(sp => new ConsumerGroupGauges(sp.GetRequiredService<BrokerMetrics>(), sp.GetRequiredService<ReplicaManager>(),
            sp.GetRequiredService<GroupCoordinator>(), zookeeper ? new RemoteEndOffsets(sp.GetRequiredService<IClusterMetadata>(), sp.GetRequiredService<BrokerConfig>()) : null));
        services.AddSingleton(sp => new MetricsServer(sp.GetRequiredService<BrokerConfig>(), sp.GetRequiredService<BrokerMetrics>(),
            sp.GetRequiredService<BrokerHealth>(), sp.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>(),
            sp.GetRequiredService<ILogger<MetricsServer>>(), [sp.GetRequiredService<ReplicaGauges>(), sp.GetRequiredService<ConsumerGroupGauges>()]));
    }

    /// <summary>A connection's SASL options, by the listener it was accepted on.</summary>
    private static Func<Broker.Network.ConnectionContext, Security.Sasl.SaslListenerOptions?> SaslFor(SaslListeners listeners) =>
        connection => listeners.For(connection.Listener.Name);

    public static IServiceCollection AddBroker(this IServiceCollection services, BrokerConfig config)
    {
        services.AddSingleton(config);
        services.AddSingleton(new DynamicBrokerConfig(config));
        services.AddSingleton(TimeProvider.System);
        bool zookeeper = !string.IsNullOrWhiteSpace(config.ZookeeperConnect);
        string? clusterId = zookeeper ? null : ClusterIdentity.LoadOrCreate(config.LogDirs[0]);
        services.AddSingleton(sp => new LogManager(
            new LogManagerOptions
            {
                LogDirs = config.LogDirs,
                BrokerId = config.BrokerId,
                ClusterId = clusterId,
                DefaultConfig = TopicConfigs.BrokerLogConfig(config),
                RetentionCheckIntervalMs = config.LogRetentionCheckIntervalMs,
                LogStartOffsetCheckpointIntervalMs = Math.Max(1, config.LogFlushStartOffsetCheckpointIntervalMs),
                Cleaner = config.LogCleanerOptions,
            },
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<ReplicaManager>();
        AddMetrics(services, zookeeper);
        if (zookeeper) AddZooKeeperMode(services, config);
        else AddSingleBrokerMode(services, config, clusterId!);

        services.AddSingleton<IRequestHandler>(sp => new ApiVersionsHandler(() => sp.GetRequiredService<RequestDispatcher>()));
        services.AddSingleton<IRequestHandler, MetadataHandler>();
        services.AddSingleton<IRequestHandler, DescribeClusterHandler>();
        services.AddSingleton<IRequestHandler, ProduceHandler>();
        services.AddSingleton(FetchLimits.From(config));
        services.AddSingleton(sp => new Replication.ReplicationQuotas(sp.GetRequiredService<DynamicBrokerConfig>(),
            // ZooKeeper mode's topic overrides live in the MetadataCache (not registered in single-broker mode: no throttles there).
            topic => sp.GetService<MetadataCache>()?.TopicConfig(topic) ?? new Dictionary<string, string>(),
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IRequestHandler, FetchHandler>();
        services.AddSingleton<IRequestHandler, ListOffsetsHandler>();
        services.AddSingleton<IRequestHandler, DeleteRecordsHandler>();
        services.AddSingleton<IRequestHandler, DescribeLogDirsHandler>();
        services.AddSingleton<IRequestHandler, WriteTxnMarkersHandler>();
        services.AddSingleton(new PartitionCountLimit());
        services.AddSingleton<IRequestHandler, CreateTopicsHandler>();
        services.AddSingleton<IRequestHandler, DeleteTopicsHandler>();
        services.AddSingleton<IRequestHandler, DescribeConfigsHandler>();
        services.AddSingleton<IRequestHandler, AlterConfigsHandler>();
        services.AddSingleton<IRequestHandler, IncrementalAlterConfigsHandler>();
        services.AddSingleton<IRequestHandler, CreatePartitionsHandler>();
        services.AddSingleton<IProducerIdAllocator, BlockProducerIdAllocator>();
        services.AddSingleton<IRequestHandler, InitProducerIdHandler>();
        services.AddSingleton(GroupCoordinatorOptions.From(config));
        services.AddSingleton<IOffsetsTopic, LocalOffsetsTopic>();
        services.AddSingleton<GroupCoordinator>();
        services.AddSingleton(Transactions.TransactionCoordinatorOptions.From(config));
        services.AddSingleton<Transactions.ITransactionStateTopic, Transactions.TransactionStateTopic>();
        services.AddSingleton<Transactions.ITxnMarkerChannel, Transactions.TxnMarkerChannel>();
        services.AddSingleton<Transactions.TransactionCoordinator>();
        services.AddSingleton<IRequestHandler, AddPartitionsToTxnHandler>();
        services.AddSingleton<IRequestHandler, AddOffsetsToTxnHandler>();
        services.AddSingleton<IRequestHandler, EndTxnHandler>();
        services.AddSingleton<IRequestHandler, TxnOffsetCommitHandler>();
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
        services.AddSingleton<IRequestHandler, OffsetForLeaderEpochHandler>();
        services.AddSingleton<IRequestHandler, SaslHandshakeHandler>();
        services.AddSingleton<IRequestHandler, SaslAuthenticateHandler>();
        services.AddSingleton<IRequestHandler, DescribeUserScramCredentialsHandler>();
        services.AddSingleton<IRequestHandler, AlterUserScramCredentialsHandler>();
        services.TryAddSingleton<IAuthorizer>(AllowAllAuthorizer.Instance);
        services.TryAddSingleton<IAclAdmin, DisabledAclAdmin>();
        services.AddSingleton<IRequestHandler, DescribeAclsHandler>();
        services.AddSingleton<IRequestHandler, CreateAclsHandler>();
        services.AddSingleton<IRequestHandler, DeleteAclsHandler>();
        services.AddSingleton<SaslListeners>();
        services.AddSingleton<RequestDispatcher>();
        services.AddSingleton(sp => new KafkaConnectionHandler(
            sp.GetRequiredService<RequestDispatcher>(), config.SocketRequestMaxBytes,
            sp.GetRequiredService<ILogger<KafkaConnectionHandler>>(),
            config.SocketRequestReceiveTimeoutMs < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(config.SocketRequestReceiveTimeoutMs),
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<BrokerMetrics>(),
            SaslFor(sp.GetRequiredService<SaslListeners>()), sp.GetRequiredService<IAuthorizer>()));
        services.TryAddSingleton(new ProcessHalt());
        services.AddSingleton<BrokerServer>();
        // The metrics endpoint starts first and stops last (hosted services stop in reverse order), so readiness is
        // observable while the broker joins and while it shuts down; the marker starts last.
        services.AddHostedService(sp => sp.GetRequiredService<MetricsServer>());
        services.AddHostedService(sp => sp.GetRequiredService<BrokerServer>());
        services.AddHostedService(sp => sp.GetRequiredService<GroupCoordinator>());
        services.AddHostedService(sp => sp.GetRequiredService<Transactions.TransactionCoordinator>());
        services.AddHostedService<ReplicaMaintenance>();
        services.AddHostedService<BrokerStartedMarker>();
        return services;
    }
}
