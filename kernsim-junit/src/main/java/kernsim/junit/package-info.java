/**
 * kernsim as a JUnit 5 extension for any Pekko typed actors: {@link kernsim.junit.ActorTest} explores a test
 * method under kernsim's deterministic scheduler, one {@link kernsim.junit.ActorWorld} per schedule, writes
 * the failing schedule's trace and replays it. See docs/junit.md.
 */
package kernsim.junit;
