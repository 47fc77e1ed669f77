package kernsim.cpu.call;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import kernsim.cpu.Proc;
import kernsim.dev.code.Code;

/**
 * A userspace library's operation (a loop client's {@code loop_device_make}, Monogon's
 * {@code monogon_create}): no syscall itself, but code that makes syscalls. {@code library} names the
 * library ({@code systemd}, {@code monogon}), {@code args} are its arguments as the scenario writes them.
 *
 * <p>An {@code expands} call is not a call of the process: it runs its syscalls one by one as calls of
 * their own ({@code cpu.Hart#call}), so timelines and oracles see each. One that does not is a call of
 * the process like a syscall, whose syscalls run inside it unobserved (the oracles know nothing of its
 * effect: a success leaves the state unknown).
 */
public record LibraryCall(String library, String name, List<String> args, boolean expands,
    Function<Proc, Code> code) implements Call {
  public LibraryCall {
    Objects.requireNonNull(library, "library");
    Objects.requireNonNull(name, "name");
    args = List.copyOf(args);
    Objects.requireNonNull(code, "code");
  }

  @Override
  public String text() {
    return name + "(" + String.join(", ", args) + ")";
  }
}
