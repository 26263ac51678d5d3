using Broker.TestKit;
using NUnit.Framework;

namespace Broker.Cli.Tests.Repository;

/// <summary>
/// What a fresh clone gets. A worktree's convenience symlink (`.tools`, `node_modules` pointing at another checkout)
/// once got committed: every clone then had a dangling link where bin/install-deps.sh installs PowerShell, the
/// install failed and CI's PowerShell tests failed or were skipped.
/// </summary>
public sealed class TrackedFilesTests
{
    [Test]
    public async Task NoTrackedSymlink_PointsOutsideTheRepository()
    {
        var result = await ExternalProcess.RunAsync("git", ["ls-files", "-s"], timeout: TimeSpan.FromSeconds(60));
        Assert.That(result.ExitCode, Is.Zero, result.StandardError);
        var links = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line.StartsWith("120000 ", StringComparison.Ordinal))
            .Select(line => line[(line.IndexOf('\t') + 1)..])
            .ToList();
        var outside = new List<string>();
        foreach (var link in links)
        {
            var target = (await ExternalProcess.RunAsync("git", ["cat-file", "-p", $"HEAD:{link}"])).StandardOutput;
            var resolved = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.Combine(RepoPaths.Root, link))!, target));
            if (Path.IsPathRooted(target) || !resolved.StartsWith(RepoPaths.Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                outside.Add($"{link} -> {target}");
        }

        Assert.That(outside, Is.Empty, "tracked symlinks that a clone cannot resolve; `git rm --cached` them");
    }

    [TestCase(".tools")]
    [TestCase("tests/Broker.FaultSuite/js/node_modules")]
    public async Task InstalledToolFolders_AreIgnored_AsFolderOrSymlink(string path)
    {
        // `check-ignore --no-index` tests the path as given (no trailing slash), which is how git sees a symlink.
        var result = await ExternalProcess.RunAsync("git", ["check-ignore", "-q", "--no-index", path]);
        Assert.That(result.ExitCode, Is.Zero, $"{path} is not ignored when it is a symlink; write the .gitignore pattern without a trailing slash");
    }
}
