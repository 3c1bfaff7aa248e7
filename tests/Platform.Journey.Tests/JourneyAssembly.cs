// The journeys start whole platforms (several hosts, ledger replicas); running them one at a time keeps the
// two-core CI machine from timing them out.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
