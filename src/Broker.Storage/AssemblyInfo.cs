namespace Broker.Storage;

