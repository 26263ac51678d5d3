namespace Broker.Server;

