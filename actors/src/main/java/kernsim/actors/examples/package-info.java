/**
 * Small models that prove the runtime before the kernel model exists, and that the runtime tests and the
 * benchmarks run: a counter updated by read-modify-write in two messages (a lost update), the same
 * update in one message (correct), two harts taking two locks in opposite orders (a deadlock), and a
 * ping-pong pair.
 */
package kernsim.actors.examples;
