using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Broker.Storage.Tests")]
