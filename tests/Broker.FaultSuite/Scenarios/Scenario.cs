namespace Broker.FaultSuite.Scenarios;

/// <summary>
/// One fault of the matrix: <see cref="InjectAsync"/> applies it to the running cluster while the workload runs and
/// heals it before returning (the runner also heals every partition and resumes every process afterwards, in a
/// finally). <see cref="Promise"/> states what Apache Kafka guarantees in that situation (docs/reliability.md).
/// </summary>
public abstract class Scenario
{
    public abstract string Name { get; }

    public abstract string Promise { get; }

    /// <summary>
    /// True where Kafka's promise includes that no client fails (a crash with an immediate restart): then any failed
    /// send, fatal producer error or stopped consumer is an anomaly, not just a note.
    /// </summary>
    public virtual bool ClientsMustNotFail => false;

    /// <summary>ZooKeeper servers: 1, or 3 for the ensemble scenarios.</summary>
    public virtual int ZooKeepers => 1;

    /// <summary>Optional log directory per broker id (null: the default under the run directory).</summary>
    public virtual string? LogDirOf(int brokerId, string runDirectory) => null;

    public abstract Task InjectAsync(ScenarioContext context);

    /// <summary>Undoes what the scenario set up outside the cluster (mounts); called in a finally.</summary>
    public virtual void CleanUp(string runDirectory) { }
}
