namespace Broker.TestKit;

