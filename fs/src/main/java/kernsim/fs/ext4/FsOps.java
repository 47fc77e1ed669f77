package kernsim.fs.ext4;

import static kernsim.fs.ext4.Tx.err;
import static kernsim.fs.ext4.Tx.let;

import java.util.List;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.code.Code;

/**
 * The bodies of the ext4-lite operations, run by a hart holding the fs lock inside the no-preempt
 * region ({@link Ext4} wraps them). Each ends in a {@link SysResult}. Modifying operations refuse with
 * EROFS on a read-only mount before looking at anything.
 */
final class FsOps {
  private FsOps() {}

  @SuppressWarnings("unchecked")
  private static Code withPath(String path, java.util.function.Function<List<String>, Code> body) {
    Object p = Paths.parse(path);
    return p instanceof Errno e ? err(e) : body.apply((List<String>) p);
  }

  /** Reads inode {@code ino} as an API argument: EINVAL out of range, ENOENT if free. */
  private static Code liveInode(Tx tx, int ino, java.util.function.Function<Inode, Code> k) {
    if (!tx.validIno(ino)) {
      return err(Errno.EINVAL);
    }
    return let(tx.readInode(ino), (Inode in) -> in.mode == Layout.MODE_FREE ? err(Errno.ENOENT) : k.apply(in));
  }

  static Code lookup(Tx tx, String path) {
    return withPath(path, comps -> let(tx.walk(comps, 0, Layout.ROOT_INODE),
        (Tx.Found f) -> Code.done(SysResult.ok(f.ino()))));
  }

  static Code stat(Tx tx, int ino) {
    return liveInode(tx, ino, in -> Code.done(SysResult.ok(in.size, statOf(ino, in))));
  }

  /** create (a file) and mkdir: ends in {@code Ok(new inode)}. */
  static Code create(Tx tx, String path, boolean dir) {
    if (tx.readOnly) {
      return err(Errno.EROFS);
    }
    return withPath(path, comps -> createIn(tx, Layout.ROOT_INODE, comps, dir));
  }

  /** create and mkdir of {@code name} in directory {@code dirIno} (the VFS's per-component form). */
  static Code createAt(Tx tx, int dirIno, String name, boolean dir) {
    if (tx.readOnly) {
      return err(Errno.EROFS);
    }
    return liveDir(tx, dirIno, d -> withPath(name, comps -> createIn(tx, dirIno, comps, dir)));
  }

  /** Looks {@code name} up in directory {@code dirIno}: {@code Ok(ino, Stat)}. "." is the directory. */
  static Code lookupAt(Tx tx, int dirIno, String name) {
    return liveDir(tx, dirIno, d -> withPath(name, comps -> let(tx.walk(comps, 0, dirIno),
        (Tx.Found f) -> Code.done(SysResult.ok(f.ino(), statOf(f.ino(), f.inode()))))));
  }

  /** readdir of directory {@code dirIno}: {@code Ok(count, List<String>)}, sorted. */
  static Code readdirAt(Tx tx, int dirIno) {
    return liveDir(tx, dirIno, d -> let(tx.listDir(d),
        (List<String> names) -> Code.done(SysResult.ok(names.size(), names))));
  }

  /** A directory named by inode: EINVAL out of range, ENOENT if freed (rmdir'ed), ENOTDIR for a file. */
  private static Code liveDir(Tx tx, int ino, java.util.function.Function<Inode, Code> k) {
    return liveInode(tx, ino, in -> in.isDir() ? k.apply(in) : err(Errno.ENOTDIR));
  }

  private static Stat statOf(int ino, Inode in) {
    return new Stat(ino, in.isDir() ? Stat.Type.DIR : Stat.Type.FILE, in.size, in.links);
  }

  /** The body of create and mkdir: {@code comps} relative to directory {@code start}. */
  private static Code createIn(Tx tx, int start, List<String> comps, boolean dir) {
    if (comps.isEmpty()) {
      return err(Errno.EEXIST); // the root
    }
    String name = comps.get(comps.size() - 1);
    return let(tx.walk(comps.subList(0, comps.size() - 1), 0, start), (Tx.Found parent) -> {
      Inode p = parent.inode();
      if (!p.isDir()) {
        return err(Errno.ENOTDIR);
      }
      return let(tx.scanDir(p, name), (Tx.DirScan s) -> {
        if (s.hit() != null) {
          return err(Errno.EEXIST);
        }
        if (tx.sb.freeInodes() == 0) {
          return err(Errno.ENOSPC); // checked first: nothing to undo
        }
        boolean grew = s.free() == null;
        Code slot = grew ? tx.growDir(p) : Code.done(s.free());
        return let(slot, (Tx.DirSlot sl) -> let(tx.allocInode(), (Integer ino) -> {
          Inode n = new Inode();
          n.mode = dir ? Layout.MODE_DIR : Layout.MODE_FILE;
          n.links = dir ? 2 : 1;
          if (dir) {
            p.links++;
          }
          return let(tx.writeInode(ino, n), a -> let(tx.setEntry(sl, ino, name), b -> {
            if (!dir && !grew) {
              return Code.done(SysResult.ok(ino)); // the parent's inode did not change
            }
            return let(tx.writeInode(parent.ino(), p), c -> Code.done(SysResult.ok(ino)));
          }));
        }));
      });
    });
  }

  /** Ends in {@code Ok(n, byte[n])}; n is 0 at or past the end of the file. */
  static Code read(Tx tx, int ino, long offset, int len) {
    if (offset < 0 || len < 0) {
      return err(Errno.EINVAL);
    }
    return liveInode(tx, ino, in -> {
      if (in.isDir()) {
        return err(Errno.EISDIR);
      }
      if (offset >= in.size || len == 0) {
        return Code.done(SysResult.ok(0, new byte[0]));
      }
      int n = (int) Math.min(len, in.size - offset);
      byte[] out = new byte[n];
      int first = (int) (offset / Layout.BLOCK);
      int last = (int) ((offset + n - 1) / Layout.BLOCK);
      Code copy = Tx.each(first, last + 1, fb -> let(tx.blockOf(in, fb), (Integer b) -> {
        if (b == 0) {
          return Tx.unit(); // a hole reads as zeros
        }
        return let(tx.read(b), (byte[] data) -> {
          copyOut(data, (long) fb * Layout.BLOCK, offset, out);
          return Tx.unit();
        });
      }));
      return let(copy, v -> Code.done(SysResult.ok(n, out)));
    });
  }

  /** Copies the part of block {@code data} (at file offset {@code base}) that falls in {@code out}. */
  private static void copyOut(byte[] data, long base, long offset, byte[] out) {
    long from = Math.max(base, offset);
    long to = Math.min(base + Layout.BLOCK, offset + out.length);
    System.arraycopy(data, (int) (from - base), out, (int) (from - offset), (int) (to - from));
  }

  /**
   * Ends in {@code Ok(bytes written)}. As in Linux: EFBIG at or past the maximum size, a short write up
   * to it; a short write when the disk fills after some bytes, ENOSPC when it is full at the start.
   */
  static Code write(Tx tx, int ino, long offset, byte[] data) {
    if (tx.readOnly) {
      return err(Errno.EROFS);
    }
    if (offset < 0) {
      return err(Errno.EINVAL);
    }
    return liveInode(tx, ino, in -> writeTo(tx, ino, in, offset, data));
  }

  /**
   * O_APPEND's write: the end of file is read and written at in this one operation, so appends under
   * the same fs lock never overwrite each other. Ends in {@code Ok(bytes written, Long new end)}.
   */
  static Code append(Tx tx, int ino, byte[] data) {
    if (tx.readOnly) {
      return err(Errno.EROFS);
    }
    return liveInode(tx, ino, in -> {
      long end = in.size;
      return Code.then(writeTo(tx, ino, in, end, data),
          ok -> Code.done(SysResult.ok(ok.value(), end + ok.value())));
    });
  }

  /** The body of write on inode {@code in}, already read. */
  private static Code writeTo(Tx tx, int ino, Inode in, long offset, byte[] data) {
    if (in.isDir()) {
      return err(Errno.EISDIR);
    }
    if (data.length == 0) {
      return Code.done(SysResult.ok(0));
    }
    if (offset >= Layout.MAX_FILE_SIZE) {
      return err(Errno.EFBIG);
    }
    int n = (int) Math.min(data.length, Layout.MAX_FILE_SIZE - offset);
    int first = (int) (offset / Layout.BLOCK);
    int last = (int) ((offset + n - 1) / Layout.BLOCK);
    long[] written = {0};
    Code blocks = Tx.each(first, last + 1, fb -> let(tx.mapForWrite(in, fb), (Tx.Mapped m) -> {
      long base = (long) fb * Layout.BLOCK;
      int from = (int) (Math.max(base, offset) - base);
      int to = (int) (Math.min(base + Layout.BLOCK, offset + n) - base);
      Code buf = m.fresh() || (from == 0 && to == Layout.BLOCK)
          ? Code.done(new byte[Layout.BLOCK]) // nothing old to keep
          : tx.read(m.block());
      return let(buf, (byte[] b) -> {
        System.arraycopy(data, (int) (base + from - offset), b, from, to - from);
        return let(tx.write(m.block(), b), v -> {
          written[0] += to - from;
          return Tx.unit();
        });
      });
    }));
    return Code.bind(blocks, r -> {
      if (r instanceof SysResult.Err e && !(e.errno() == Errno.ENOSPC && written[0] > 0)) {
        return let(tx.writeInode(ino, in), v -> Code.done(r)); // keep allocations reachable
      }
      in.size = Math.max(in.size, offset + written[0]);
      return let(tx.writeInode(ino, in), v -> Code.done(SysResult.ok(written[0])));
    });
  }

  /** Grows (a hole) or shrinks (freeing blocks, zeroing the tail of the last one); ends in {@code Ok(0)}. */
  static Code truncate(Tx tx, int ino, long size) {
    if (tx.readOnly) {
      return err(Errno.EROFS);
    }
    if (size < 0) {
      return err(Errno.EINVAL);
    }
    return liveInode(tx, ino, in -> {
      if (in.isDir()) {
        return err(Errno.EISDIR);
      }
      if (size > Layout.MAX_FILE_SIZE) {
        return err(Errno.EFBIG);
      }
      Code shrink = Tx.unit();
      if (size < in.size) {
        int keep = (int) ((size + Layout.BLOCK - 1) / Layout.BLOCK);
        int tail = (int) (size % Layout.BLOCK);
        // Zero past the new end, so growing the file again reads zeros there.
        Code zeroTail = tail == 0 ? Tx.unit() : let(tx.blockOf(in, (int) (size / Layout.BLOCK)), (Integer b) ->
            b == 0 ? Tx.unit() : let(tx.read(b), (byte[] data) -> {
              java.util.Arrays.fill(data, tail, Layout.BLOCK, (byte) 0);
              return tx.write(b, data);
            }));
        shrink = let(zeroTail, v -> tx.freeFrom(in, keep));
      }
      return let(shrink, v -> {
        in.size = size;
        return let(tx.writeInode(ino, in), w -> Code.done(SysResult.ok(0)));
      });
    });
  }

  /** unlink (a file) and rmdir (an empty directory): ends in {@code Ok(0)}. */
  static Code remove(Tx tx, String path, boolean dir) {
    if (tx.readOnly) {
      return err(Errno.EROFS);
    }
    return withPath(path, comps -> {
      if (comps.isEmpty()) {
        return err(dir ? Errno.EBUSY : Errno.EISDIR); // the root
      }
      String name = comps.get(comps.size() - 1);
      return let(tx.walk(comps.subList(0, comps.size() - 1), 0, Layout.ROOT_INODE), (Tx.Found parent) -> {
        Inode p = parent.inode();
        if (!p.isDir()) {
          return err(Errno.ENOTDIR);
        }
        return let(tx.scanDir(p, name), (Tx.DirScan s) -> {
          if (s.hit() == null) {
            return err(Errno.ENOENT);
          }
          int ino = s.hit().ino();
          return let(tx.readInode(ino), (Inode in) -> {
            if (!dir && in.isDir()) {
              return err(Errno.EISDIR);
            }
            if (dir && !in.isDir()) {
              return err(Errno.ENOTDIR);
            }
            Code empty = dir ? tx.listDir(in) : Code.done(List.of());
            return let(empty, (List<String> names) -> {
              if (!names.isEmpty()) {
                return err(Errno.ENOTEMPTY);
              }
              // Code is built where it runs: a helper may read the inode as it is when built.
              return let(tx.setEntry(s.hit(), 0, ""), v -> {
                in.links = dir ? 0 : in.links - 1;
                Code release = in.links > 0 ? tx.writeInode(ino, in) : let(tx.freeFrom(in, 0), w -> {
                  in.mode = Layout.MODE_FREE;
                  in.size = 0;
                  return let(tx.writeInode(ino, in), x -> tx.freeInode(ino));
                });
                return let(release, w -> {
                  if (!dir) {
                    return Code.done(SysResult.ok(0));
                  }
                  p.links--;
                  return let(tx.writeInode(parent.ino(), p), x -> Code.done(SysResult.ok(0)));
                });
              });
            });
          });
        });
      });
    });
  }

  /** Ends in {@code Ok(count, List<String>)}, the names sorted. */
  static Code readdir(Tx tx, String path) {
    return withPath(path, comps -> let(tx.walk(comps, 0, Layout.ROOT_INODE), (Tx.Found f) -> {
      if (!f.inode().isDir()) {
        return err(Errno.ENOTDIR);
      }
      return let(tx.listDir(f.inode()), (List<String> names) -> Code.done(SysResult.ok(names.size(), names)));
    }));
  }

  /** Flushes the device (inside the no-preempt region, as the source does); ends in {@code Ok(0)}. */
  static Code fsync(Tx tx, int ino) {
    return liveInode(tx, ino, in -> let(tx.dev.flush(), v -> Code.done(SysResult.ok(0))));
  }
}
