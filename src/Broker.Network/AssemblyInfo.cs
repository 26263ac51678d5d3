namespace Broker.Network;

