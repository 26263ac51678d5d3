namespace Broker.Protocol;

