// Contract tests share live ZooKeeper servers and some of them kill servers, so tests run one at a time.
[assembly: NonParallelizable]
