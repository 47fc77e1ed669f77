package kernsim.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import kernsim.fuzz.Program.Call;

/**
 * Mutations of corpus programs, syzkaller's: insert, remove or replace a call, change an argument (the
 * call drawn again with its name kept), move a call to another hart, splice two programs (a prefix of
 * each hart of one, the rest of the other's). Every result is {@link Generator#repair repaired}, so each
 * hart still opens before it uses.
 */
public final class Mutator {
  /** The mutations, as progress and docs name them. */
  public enum Op { INSERT, REMOVE, REPLACE, ARGUMENT, MOVE, SPLICE }

  private final Template t;
  private final SplittableRandom rnd;

  public Mutator(Template t, SplittableRandom rnd) {
    this.t = t;
    this.rnd = rnd;
  }

  /** {@code p} mutated once or a few times; {@code other} is the splice partner. */
  public Program mutate(Program p, Program other) {
    Program q = p;
    int n = 1 + rnd.nextInt(3);
    for (int i = 0; i < n; i++) {
      q = once(q, other, Op.values()[rnd.nextInt(Op.values().length)]);
    }
    return q;
  }

  /** One mutation {@code op} of {@code p}. */
  public Program once(Program p, Program other, Op op) {
    Generator g = new Generator(t, rnd).after(p);
    List<List<Call>> harts = p.hartsCopy();
    int h = rnd.nextInt(harts.size());
    List<Call> hart = harts.get(h);
    switch (op) {
      case INSERT -> {
        int at = rnd.nextInt(hart.size() + 1);
        Generator.Hart state = g.hartAfter(hart.subList(0, at));
        g.draw(state);
        hart.addAll(at, state.calls);
      }
      case REMOVE -> {
        if (hart.size() > 1) {
          hart.remove(rnd.nextInt(hart.size()));
        }
      }
      case REPLACE -> {
        int at = rnd.nextInt(hart.size());
        Generator.Hart state = g.hartAfter(hart.subList(0, at));
        g.draw(state);
        hart.remove(at);
        hart.addAll(at, state.calls);
      }
      case ARGUMENT -> {
        int at = rnd.nextInt(hart.size());
        Call old = hart.get(at);
        Generator.Hart state = g.hartAfter(hart.subList(0, at));
        Call c = g.call(old.name(), state);
        // keep the variables it set, so later uses still refer to them
        if (c.defs().size() == old.defs().size() && sameKinds(c, old)) {
          c = new Call(old.defs(), c.name(), c.args());
        }
        hart.set(at, c);
        hart.addAll(at, state.calls);
      }
      case MOVE -> {
        if (harts.size() > 1 && hart.size() > 1) {
          Call c = hart.remove(rnd.nextInt(hart.size()));
          int to = (h + 1 + rnd.nextInt(harts.size() - 1)) % harts.size();
          List<Call> target = harts.get(to);
          target.add(rnd.nextInt(target.size() + 1), c);
        }
      }
      case SPLICE -> {
        if (other != null) {
          List<List<Call>> out = new ArrayList<>();
          for (int i = 0; i < harts.size(); i++) {
            List<Call> a = harts.get(i);
            List<Call> b = i < other.harts().size() ? other.harts().get(i) : List.of();
            List<Call> s = new ArrayList<>(a.subList(0, rnd.nextInt(a.size() + 1)));
            s.addAll(b.subList(rnd.nextInt(b.size() + 1), b.size()));
            out.add(s.isEmpty() ? a : s);
          }
          harts = out;
          g = new Generator(t, rnd).after(new Program(p.header(), p.setup(), harts,
              Math.max(p.nextVar(), other.nextVar())));
        }
      }
    }
    Program q = new Program(p.header(), p.setup(), harts, Math.max(g.nextVar(), p.nextVar()));
    return g.repair(q);
  }

  private static boolean sameKinds(Call a, Call b) {
    for (int i = 0; i < a.defs().size(); i++) {
      if (a.defs().get(i).kind() != b.defs().get(i).kind()) {
        return false;
      }
    }
    return true;
  }
}
