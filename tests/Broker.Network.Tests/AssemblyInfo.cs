namespace Broker.Network.Tests;

