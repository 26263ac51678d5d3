namespace Broker.ZooKeeper.Tests;

public abstract partial class ZooKeeperClientContractTests
{
    [Test]
    public async Task Watches_FireOnceEach_InServerOrder()
    {
        var recorder = new WatchRecorder();
        await Client.CreateAsync($"{Root}/a", Bytes("0"));
        await Client.GetDataAsync($"{Root}/a", recorder.OnEvent);
        await Client.GetChildrenAsync(Root, recorder.OnEvent);
        Assert.That(await Client.ExistsAsync($"{Root}/b", recorder.OnEvent), Is.Null);

        var writer = await ConnectAsync();
        await writer.SetDataAsync($"{Root}/a", Bytes("1"));
        await writer.CreateAsync($"{Root}/b", Bytes(""));
        // Second round of changes: the one-shot watches are spent and must not fire again.
        await writer.SetDataAsync($"{Root}/a", Bytes("2"));
        await writer.DeleteAsync($"{Root}/b");
        await writer.CreateAsync($"{Root}/c", Bytes(""));
        // Sentinel: events are delivered in order, so once it arrives any duplicate would have arrived too.
        await Client.ExistsAsync($"{Root}/sentinel", recorder.OnEvent);
        await writer.CreateAsync($"{Root}/sentinel", Bytes(""));
        await recorder.WaitForCountAsync(4);

        Assert.That(recorder.Events.Select(e => (e.Type, e.Path)), Is.EqualTo(new[]
        {
            (WatchedEventType.NodeDataChanged, $"{Root}/a"),
            (WatchedEventType.NodeCreated, $"{Root}/b"),
            (WatchedEventType.NodeChildrenChanged, Root),
            (WatchedEventType.NodeCreated, $"{Root}/sentinel"),
        }));
    }

    [Test]
    public async Task DataWatch_OnDelete_FiresNodeDeleted_AndChildWatchOfSameNodeToo()
    {
        var data = new WatchRecorder();
        var children = new WatchRecorder();
        await Client.CreateAsync($"{Root}/n", Bytes(""));
        await Client.GetDataAsync($"{Root}/n", data.OnEvent);
        await Client.GetChildrenAsync($"{Root}/n", children.OnEvent);

        await Client.DeleteAsync($"{Root}/n");
        await data.WaitForCountAsync(1);
        await children.WaitForCountAsync(1);

        Assert.Multiple(() =>
        {
            Assert.That(data.Events.Single().Type, Is.EqualTo(WatchedEventType.NodeDeleted));
            Assert.That(children.Events.Single().Type, Is.EqualTo(WatchedEventType.NodeDeleted));
        });
    }

    [Test]
    public async Task SameCallbackOnTwoWatchKinds_IsInvokedOncePerEvent()
    {
        var recorder = new WatchRecorder();
        await Client.CreateAsync($"{Root}/n", Bytes(""));
        await Client.GetDataAsync($"{Root}/n", recorder.OnEvent);
        await Client.ExistsAsync($"{Root}/n", recorder.OnEvent);

        await Client.SetDataAsync($"{Root}/n", Bytes("x"));
        await Client.ExistsAsync($"{Root}/sentinel", recorder.OnEvent);
        await Client.CreateAsync($"{Root}/sentinel", Bytes(""));
        await recorder.WaitForCountAsync(2);

        Assert.That(recorder.Events.Select(e => e.Type),
            Is.EqualTo(new[] { WatchedEventType.NodeDataChanged, WatchedEventType.NodeCreated }));
    }

    [Test]
    public async Task WatchCallback_CanIssueOperationsAndReArm()
    {
        var seen = new List<string>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await Client.CreateAsync($"{Root}/n", Bytes("0"));

        async Task OnChange(WatchedEvent e)
        {
            var (data, _) = await Client.GetDataAsync($"{Root}/n", OnChange);
            seen.Add(Text(data));
            if (seen.Count == 2)
            {
                done.TrySetResult();
            }
        }

        await Client.GetDataAsync($"{Root}/n", OnChange);
        await Client.SetDataAsync($"{Root}/n", Bytes("1"));
        await Eventually.UntilAsync(() => seen.Count == 1, "first change is seen");
        await Client.SetDataAsync($"{Root}/n", Bytes("2"));
        await Eventually.WithinAsync(done.Task.ContinueWith(_ => true), "second change is seen");

        Assert.That(seen, Is.EqualTo(new[] { "1", "2" }));
    }
}
