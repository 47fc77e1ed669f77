package kernsim.dev.code;

/**
 * The answer to a {@link Code.Call}: what the owner's lock region computed, of the type its request
 * names. A request record's reply port is {@code ActorRef<Reply<T>> replyTo}, so the owner can only
 * answer a {@code T}, and {@link Code#call} hands the continuation a {@code T}: no casts.
 */
public record Reply<T>(T value) {}
