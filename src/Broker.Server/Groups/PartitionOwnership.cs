namespace Broker.Server.Groups;

/// <summary>
/// The coordinator's ownership of one <c>__consumer_offsets</c> partition. <see cref="LoadId"/> numbers the load that
/// took ownership (unique per coordinator, increasing): a load may publish its groups and set <see cref="Loaded"/>
/// only while the partition's ownership still carries its id, so a load overtaken by an unload (and maybe a reload)
/// is discarded instead of dropping or replacing the newer load's groups. Immutable.
/// </summary>
internal readonly record struct PartitionOwnership(long LoadId, bool Loaded);
