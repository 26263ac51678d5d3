namespace Broker.ZooKeeper;

/// <summary>
/// A SASL DIGEST-MD5 identity for ZooKeeper (the username and password of a JAAS <c>Client</c> section). The server
/// knows the user from its own JAAS <c>Server</c> section (<c>user_&lt;name&gt;="&lt;password&gt;"</c>); once
/// authenticated, every connection of the session carries the identity <c>sasl:&lt;username&gt;</c> for ACL checks.
/// </summary>
public sealed record ZooKeeperSaslCredentials(string Username, string Password)
{
    /// <summary>Never prints the password.</summary>
    public override string ToString() => $"ZooKeeperSaslCredentials {{ Username = {Username} }}";
}
