// Tests in different classes may share machine-wide peers (registry ports, chroots), so
// collections decide what runs in parallel.
[assembly: CollectionBehavior(CollectionBehavior.CollectionPerClass)]
