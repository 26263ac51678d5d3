using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Broker.Server.Tests")]
