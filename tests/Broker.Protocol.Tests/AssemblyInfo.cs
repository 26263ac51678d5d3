namespace Broker.Protocol.Tests;

