/**
 * Oracles over whole syscalls, which watch a kernel world from its {@code cpu.Calls} observations.
 *
 * <ul>
 *   <li>{@link kernsim.oracle.ErrnoConformance}: the {@code errno} oracle. A run fails when some call's
 *       result (success, or its errno) is not one the profile's sequential semantics allows in any order
 *       of the calls that is consistent with real time and each hart's program order.
 *   <li>{@code SequentialSpec}: a profile's sequential semantics over an abstract state
 *       ({@code SpecState}); {@code StarrySpec} is starry's, following the model's code when one call
 *       runs alone, with a loop device's uncertain fields kept as sets of possible values
 *       ({@code Loops}).
 *   <li>{@code Linearizer}: the search for such an order (Wing and Gong, memoised as Lowe's), and the
 *       explanation of a failure: the calls whose results exclude each other, and what each could have
 *       returned.
 *   <li>The calls are read as the values the harts emit ({@code cpu.call.Syscall} records, resolved):
 *       {@code StarrySpec} is a visitor over them, so every syscall of the model has its rule.
 * </ul>
 */
package kernsim.oracle;
