/**
 * Kernel code as a hart runs it.
 *
 * <p>In the kernel, a syscall runs on the calling CPU and takes the locks of the data it touches. In
 * kernsim the data is owned by actors (a loop device, a block cache, a file), and a syscall is
 * {@link kernsim.dev.code.Code}: a chain of steps in which every region where the source holds a lock
 * is one message to the owner of that data ({@link kernsim.dev.code.Code.Call}), and the code between
 * two regions is where other harts run. A mutex that the source holds across several regions is a
 * {@link kernsim.dev.code.Mutex} in its owner: {@code Lock} and {@code Unlock} are messages, and while
 * it is held other harts' {@code Lock}s wait in its queue, with wait-for edges for the deadlock oracle.
 *
 * <p>Replies are typed. A request record names what its owner answers by its port,
 * {@code ActorRef<Reply<T>> replyTo} (last), and the owner can only {@code tell} a {@code Reply<T>}.
 * {@link kernsim.dev.code.Code#call} is the region whose reply is a {@link kernsim.dev.SysResult} (most
 * are); {@link kernsim.dev.code.Code#ask} is any other {@code T} (a lock's grant, an atomic's value),
 * with {@code T} taken from the continuation's type: so the owner offers one typed helper per such
 * message, next to its handler ({@code LoopDevice.loadRo(dev, Function<Boolean, Code>)}), and procedure
 * code continues with a {@code Boolean}, not an {@code Object} to cast. A {@link kernsim.dev.code.Mutex}
 * is typed by its grant. The executor does the one unchecked step: the reply to a call's port is that
 * call's {@code T}.
 *
 * <p>Byte arrays in messages: the receiver copies what it keeps. A sender hands an array over and
 * never writes it again (kernel code waits for the reply, so it cannot); an owner that stores bytes
 * (a file's image, a cache's chunks, a pipe's buffer, a blocked writer's rest) copies them into arrays
 * of its own, and one that only reads them during the region copies nothing. Records therefore do not
 * clone in their constructors (a record may still normalise a shape, as {@code UnlockName} pads the
 * name to 64 bytes); replies follow the same rule, with the hart as the receiver.
 *
 * <p>Code is plain data built by functions, so a procedure is written once and run by any executor: a
 * hart ({@code cpu/}), or {@link kernsim.dev.code.Runner} in tests.
 */
package kernsim.dev.code;
