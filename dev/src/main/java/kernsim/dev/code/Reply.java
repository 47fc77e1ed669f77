package kernsim.dev.code;

/** The answer to a {@link Code.Call}: whatever the owner's lock region computed. */
public record Reply(Object value) {}
