namespace Broker.Server.Tests;

