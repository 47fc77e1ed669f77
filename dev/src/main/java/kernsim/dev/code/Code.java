package kernsim.dev.code;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * One step of kernel code run by a hart. See the package documentation.
 *
 * <ul>
 *   <li>{@link Done}: the procedure finished with a value;
 *   <li>{@link Call}: send one request (a lock region) to the owner of some data, wait for its
 *       {@link Reply}, continue with the reply's value. {@code sleeps} marks a request that models
 *       sleeping I/O (a backing file's read, write or sync): sending one inside a no-preempt region is a
 *       violation the hart reports;
 *   <li>{@link Region}: enter or leave a no-preempt region ({@code SpinNoPreempt}), named for the
 *       call chain in reports;
 *   <li>{@link Frame}: {@code body} is the source function {@code name} (e.g. {@code as_dyn_block_device}):
 *       it changes nothing but the step view's names of regions ({@link Executor});
 *   <li>{@link Lazy}: code built only when the hart reaches it ({@link #defer}), so it sees the state
 *       of that moment, not of the moment the chain was built;
 *   <li>{@link Bind}: run {@code first}, then continue with {@code next} of its value. The executor keeps
 *       the pending continuations on a stack, so a step costs the same however deep the chain is.
 * </ul>
 */
public sealed interface Code {
  record Done(Object value) implements Code {}

  /**
   * One request to {@code target}, built around the hart's reply port; {@code then} continues with the
   * reply's value, which has the type {@code T} the request's port names.
   */
  record Call<T>(
      ActorRef<?> target,
      Function<ActorRef<Reply<T>>, ?> request,
      String what,
      boolean sleeps,
      Function<? super T, Code> then)
      implements Code {
    public Call {
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(request, "request");
      Objects.requireNonNull(then, "then");
    }

    /** The message to send, addressed back to {@code port}. */
    Object request(ActorRef<Reply<?>> port) {
      return request.apply(port.unsafeUpcast());
    }

    /** Continues with the reply to this call: the port it was sent with answers only a {@code T}. */
    @SuppressWarnings("unchecked")
    Code resume(Reply<?> reply) {
      return then.apply((T) reply.value());
    }
  }

  record Region(String label, boolean enter, Supplier<Code> next) implements Code {}

  /** {@code body} is the source's function {@code name}; only the step view reads it. */
  record Frame(String name, Code body) implements Code {}

  record Lazy(Supplier<Code> next) implements Code {}

  record Bind(Code first, Function<Object, Code> next) implements Code {}

  // ---- building code ----

  static Code done(Object value) {
    return new Done(value);
  }

  static Code ok(long value) {
    return new Done(SysResult.ok(value));
  }

  static Code err(Errno errno) {
    return new Done(SysResult.err(errno));
  }

  /**
   * One lock region at {@code target} whose reply is a {@link SysResult} (what most regions answer: a
   * value or an errno); continue with it. The request names its reply type by its port
   * ({@code ActorRef<Reply<SysResult>> replyTo}), so the compiler checks the owner answers one.
   */
  static <M> Code call(ActorRef<M> target, Function<ActorRef<Reply<SysResult>>, ? extends M> request,
      String what, Function<? super SysResult, Code> then) {
    return new Call<SysResult>(target, request, what, false, then);
  }

  /**
   * One lock region at {@code target} whose reply is a {@code T} other than a {@link SysResult}: a lock's
   * grant (a slot, a view of the state), an atomic's value. {@code T} comes from {@code then}'s type, so
   * an owner offers one typed helper per such message, next to its handler, e.g.
   * {@code static Code loadRo(ActorRef<Command> dev, Function<Boolean, Code> then)}.
   */
  static <M, T> Code ask(ActorRef<M> target, Function<ActorRef<Reply<T>>, ? extends M> request, String what,
      Function<? super T, Code> then) {
    return new Call<T>(target, request, what, false, then);
  }

  /** A request that models sleeping I/O (backing-file read/write/sync); its reply is a {@link SysResult}. */
  static <M> Code sleepingCall(ActorRef<M> target, Function<ActorRef<Reply<SysResult>>, ? extends M> request,
      String what, Function<? super SysResult, Code> then) {
    return new Call<SysResult>(target, request, what, true, then);
  }

  /** A sleeping request (a sleeping lock's grant) whose reply is a {@code T}, as {@link #ask}. */
  static <M, T> Code sleepingAsk(ActorRef<M> target, Function<ActorRef<Reply<T>>, ? extends M> request,
      String what, Function<? super T, Code> then) {
    return new Call<T>(target, request, what, true, then);
  }

  /** Runs {@code body} inside a no-preempt region named {@code label}, then continues with its value. */
  static Code noPreempt(String label, Supplier<Code> body, Function<Object, Code> then) {
    return new Region(label, true, () -> bind(body.get(), v -> new Region(label, false, () -> then.apply(v))));
  }

  /**
   * {@code body} as the source's function {@code name}: the step view names the regions it runs after it
   * ({@code as_dyn_block_device region 1 (block_cache lock)}). It takes no step and changes nothing else.
   */
  static Code frame(String name, Code body) {
    return body instanceof Done ? body : new Frame(name, body);
  }

  /** Code built when the hart reaches it rather than now. */
  static Code defer(Supplier<Code> code) {
    return new Lazy(code);
  }

  /** Sequencing: run {@code first}, then continue with {@code next} applied to its value. */
  static Code bind(Code first, Function<Object, Code> next) {
    return first instanceof Done d ? next.apply(d.value()) : new Bind(first, next);
  }

  /**
   * Sequencing for procedures that end in a {@link SysResult}: an {@link SysResult.Err} ends the whole
   * chain with that error, an {@link SysResult.Ok} continues.
   */
  static Code then(Code first, Function<SysResult.Ok, Code> next) {
    return bind(first, v -> v instanceof SysResult.Ok ok ? next.apply(ok) : done(v));
  }

  /** A loop: {@code body(i)} for i in [from, to), in order, stopping at the first error result. */
  static Code forEach(int from, int to, java.util.function.IntFunction<Code> body) {
    if (from >= to) {
      return ok(0);
    }
    return then(body.apply(from), ok -> forEach(from + 1, to, body));
  }
}
