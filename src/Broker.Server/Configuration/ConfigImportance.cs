namespace Broker.Server.Configuration;

/// <summary>How likely an operator is to need to change a setting; used to order the generated docs.</summary>
public enum ConfigImportance
{
    High,
    Medium,
    Low,
}
