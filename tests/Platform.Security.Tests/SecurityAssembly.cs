// One dev host serves every test of this project (SecurityCollection); the tests run one at a time so that the
// request counts of one never race the "nothing persisted" counts of another.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
