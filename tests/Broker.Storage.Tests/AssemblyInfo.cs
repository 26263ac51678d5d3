namespace Broker.Storage.Tests;

