namespace Broker.ZooKeeper.Tests;

