package kernsim.cluster;

/**
 * A message that goes between the nodes of a cluster: serialized by {@link WireSerializer} (Jackson's JSON
 * of the record), and only classes of this package that implement it are ever read back.
 */
interface Wire {}
