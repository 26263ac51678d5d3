namespace Broker.IntegrationTests;

