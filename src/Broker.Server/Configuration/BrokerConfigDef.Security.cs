using static Broker.Server.Configuration.ConfigImportance;
using static Broker.Server.Configuration.ConfigValidator;

namespace Broker.Server.Configuration;

public static partial class BrokerConfigDef
{
    private static IEnumerable<ConfigKey> Security() =>
    [
        Str("ssl.keystore.location", null, null, High,
            "Path of the key store holding this broker's certificate and private key (SSL and SASL_SSL listeners)."),
        Password("ssl.keystore.password", High,
            "Password of the key store."),
        Password("ssl.key.password", High,
            "Password of the private key in the key store."),
        Str("ssl.truststore.location", null, null, High,
            "Path of the trust store used to verify peers' certificates."),
        Password("ssl.truststore.password", High,
            "Password of the trust store."),
        Str("ssl.client.auth", "none", OneOf("required", "requested", "none"), Medium,
            "Whether SSL clients must (required), may (requested) or need not (none) present a certificate."),
        List("sasl.enabled.mechanisms", "GSSAPI", null, Medium,
            "SASL mechanisms offered to clients, comma-separated."),
        Str("sasl.mechanism.inter.broker.protocol", "GSSAPI", NonEmpty, Medium,
            "SASL mechanism used between brokers."),
    ];
}
