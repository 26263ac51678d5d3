namespace Broker.ZooKeeper.Protocol;

/// <summary>Writes the ACL vector every node is created with: world:anyone with all permissions.</summary>
internal static class OpenAcl
{
    private const int AllPermissions = 31; // read|write|create|delete|admin

    public static void Write(JuteWriter writer)
    {
        writer.WriteInt(1);
        writer.WriteInt(AllPermissions);
        writer.WriteString("world");
        writer.WriteString("anyone");
    }
}
