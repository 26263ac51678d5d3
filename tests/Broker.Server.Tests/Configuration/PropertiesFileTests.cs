using Broker.Server.Configuration;

namespace Broker.Server.Tests.Configuration;

public sealed class PropertiesFileTests
{
    private static IReadOnlyList<PropertyEntry> Parse(string text) => PropertiesFile.Parse(text, "test.properties");

    private static (string Key, string Value) Single(string text)
    {
        var entries = Parse(text);
        Assert.That(entries, Has.Count.EqualTo(1));
        return (entries[0].Key, entries[0].Value);
    }

    [TestCase("# comment\n")]
    [TestCase("! comment\n")]
    [TestCase("   # indented comment\n")]
    [TestCase("\t! indented comment\n")]
    [TestCase("\n\n   \n\t\f\n")]
    [TestCase("")]
    public void Parse_CommentsAndBlankLines_ProduceNoEntries(string text) =>
        Assert.That(Parse(text), Is.Empty);

    [TestCase("key=value")]
    [TestCase("key:value")]
    [TestCase("key value")]
    [TestCase("key = value")]
    [TestCase("key   :   value")]
    [TestCase("key\t\tvalue")]
    [TestCase("   key=value")]
    [TestCase("key \f= value")]
    public void Parse_AnySeparatorWithSurroundingBlanks_SplitsKeyAndValue(string text) =>
        Assert.That(Single(text), Is.EqualTo(("key", "value")));

    [Test]
    public void Parse_OnlyTheFirstSeparatorSplits() =>
        Assert.That(Single("url=http://host:80/a=b"), Is.EqualTo(("url", "http://host:80/a=b")));

    [Test]
    public void Parse_SeparatorAfterWhitespace_IsConsumedOnce() =>
        Assert.That(Single("key :=value"), Is.EqualTo(("key", "=value")));

    [Test]
    public void Parse_TrailingWhitespaceOfValue_IsKept() =>
        Assert.That(Single("key=value  "), Is.EqualTo(("key", "value  ")));

    [TestCase("key")]
    [TestCase("key=")]
    [TestCase("key   ")]
    public void Parse_KeyWithoutValue_HasEmptyValue(string text) =>
        Assert.That(Single(text), Is.EqualTo(("key", "")));

    [Test]
    public void Parse_HashInsideValue_IsPartOfTheValue() =>
        Assert.That(Single("log.retention.hours=168 # 7 days"), Is.EqualTo(("log.retention.hours", "168 # 7 days")));

    [Test]
    public void Parse_Continuation_JoinsLinesAndDropsLeadingWhitespace() =>
        Assert.That(Single("listeners=PLAINTEXT://:9092,\\\n     SSL://:9093"), Is.EqualTo(("listeners", "PLAINTEXT://:9092,SSL://:9093")));

    [Test]
    public void Parse_ContinuedLineStartingWithHash_IsNotAComment() =>
        Assert.That(Single("key=a\\\n  # b"), Is.EqualTo(("key", "a# b")));

    [Test]
    public void Parse_EvenNumberOfTrailingBackslashes_DoesNotContinue()
    {
        var entries = Parse("a=x\\\\\nb=y");
        Assert.That(entries.Select(e => (e.Key, e.Value)), Is.EqualTo(new[] { ("a", "x\\"), ("b", "y") }));
    }

    [Test]
    public void Parse_CommentEndingInBackslash_DoesNotContinue()
    {
        var entries = Parse("# comment \\\nkey=value");
        Assert.That(entries.Select(e => e.Key), Is.EqualTo(new[] { "key" }));
    }

    [Test]
    public void Parse_ContinuationAtEndOfFile_IsDropped() =>
        Assert.That(Single("key=value\\"), Is.EqualTo(("key", "value")));

    [TestCase("\\t", "\t")]
    [TestCase("\\n", "\n")]
    [TestCase("\\r", "\r")]
    [TestCase("\\f", "\f")]
    [TestCase("\\\\", "\\")]
    [TestCase("\\u0041\\u00e9", "Aé")]
    [TestCase("\\q\\#\\=", "q#=")]
    public void Parse_Escapes_AreDecoded(string escaped, string expected) =>
        Assert.That(Single("key=" + escaped).Value, Is.EqualTo(expected));

    [Test]
    public void Parse_EscapedSeparatorsInKey_StayInKey() =>
        Assert.That(Single("my\\=odd\\:key\\ name = v"), Is.EqualTo(("my=odd:key name", "v")));

    [TestCase("key=\\u12")]
    [TestCase("key=\\u12zz")]
    public void Parse_MalformedUnicodeEscape_ThrowsWithLine(string line)
    {
        var e = Assert.Throws<ConfigException>(() => Parse("a=b\n" + line));
        Assert.That(e!.Message, Does.StartWith("test.properties:2: malformed \\uXXXX escape"));
    }

    [Test]
    public void Parse_Entries_KeepFileNameAndStartingLine()
    {
        var entries = Parse("# header\r\n\r\nbroker.id=1\rlisteners=PLAINTEXT://:9092,\\\n  SSL://:9093\nnum.partitions=3\n");
        Assert.That(
            entries.Select(e => (e.Key, e.FileName, e.Line)),
            Is.EqualTo(new[]
            {
                ("broker.id", "test.properties", 3),
                ("listeners", "test.properties", 4),
                ("num.partitions", "test.properties", 6),
            }));
        Assert.That(entries[0].Source.ToString(), Is.EqualTo("test.properties:3"));
    }

    [Test]
    public void ParseOverride_SplitsAtFirstEquals()
    {
        var entry = PropertiesFile.ParseOverride("zookeeper.connect=zk:2181/a=b");
        Assert.That((entry.Key, entry.Value), Is.EqualTo(("zookeeper.connect", "zk:2181/a=b")));
        Assert.That(entry.Source.Kind, Is.EqualTo(ConfigSourceKind.Override));
        Assert.That(entry.FileName, Is.EqualTo("--override"));
    }

    [TestCase("no-equals")]
    [TestCase("=value")]
    public void ParseOverride_WithoutKey_Throws(string argument)
    {
        var e = Assert.Throws<ConfigException>(() => PropertiesFile.ParseOverride(argument));
        Assert.That(e!.Message, Does.Contain("--override").And.Contain("key=value"));
    }
}
