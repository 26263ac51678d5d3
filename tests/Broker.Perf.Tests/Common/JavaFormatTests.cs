using Broker.Perf.Common;

namespace Broker.Perf.Tests.Common;

public sealed class JavaFormatTests
{
    [Test]
    public void KafkaDateFormat_PrintsMillisecondsAfterAColon() =>
        Assert.That(JavaFormat.Date(new DateTime(2024, 3, 5, 7, 8, 9, 45), JavaFormat.DefaultDateFormat), Is.EqualTo("2024-03-05 07:08:09:045"));

    [Test]
    public void FixedDecimals_UseAPointWhateverTheCulture() => Assert.That(JavaFormat.F(1234.5, 6), Is.EqualTo("1234.500000"));
}
