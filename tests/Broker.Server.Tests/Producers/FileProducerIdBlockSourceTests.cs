using Broker.Server.Producers;

namespace Broker.Server.Tests.Producers;

public class FileProducerIdBlockSourceTests
{
    private string _dir = null!;

    private string FilePath => Path.Combine(_dir, FileProducerIdBlockSource.FileName);

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "broker-server-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    [Test]
    public async Task Claim_WithoutFile_StartsAtZeroAndPersistsNextStart()
    {
        ProducerIdRange block = await new FileProducerIdBlockSource(_dir).ClaimAsync(CancellationToken.None);

        Assert.That(block, Is.EqualTo(new ProducerIdRange(0, 999)));
        Assert.That(File.ReadAllText(FilePath), Is.EqualTo("1000\n"));
        Assert.That(File.Exists(FilePath + ".tmp"), Is.False);
    }

    [Test]
    public async Task Claim_AfterRestart_NeverRepeatsIds()
    {
        var allocator = new BlockProducerIdAllocator(new FileProducerIdBlockSource(_dir));
        long first = await allocator.NextAsync(CancellationToken.None);
        long second = await allocator.NextAsync(CancellationToken.None);

        var restarted = new BlockProducerIdAllocator(new FileProducerIdBlockSource(_dir));
        long afterRestart = await restarted.NextAsync(CancellationToken.None);

        Assert.That((first, second), Is.EqualTo((0L, 1L)));
        Assert.That(afterRestart, Is.EqualTo(1000), "the rest of the first block is skipped, never reused");
    }

    [Test]
    public void Claim_MalformedFile_Throws()
    {
        File.WriteAllText(FilePath, "garbage");

        Assert.That(async () => await new FileProducerIdBlockSource(_dir).ClaimAsync(CancellationToken.None), Throws.InstanceOf<InvalidDataException>());
    }
}
