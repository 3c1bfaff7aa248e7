// Every test runs real replicas with real election timers; running clusters side by side
// would only add CPU contention and spurious elections, so the tests run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
