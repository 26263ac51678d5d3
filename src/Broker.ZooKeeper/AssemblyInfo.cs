namespace Broker.ZooKeeper;

