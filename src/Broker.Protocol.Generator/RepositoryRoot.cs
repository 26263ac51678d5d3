namespace Broker.Protocol.Generator;

/// <summary>Finds the repository root: the nearest ancestor directory containing Broker.sln.</summary>
public static class RepositoryRoot
{
    public static string Find(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Broker.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No Broker.sln above {start}.");
    }
}
