using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Broker.ZooKeeper.Tests")]
