package kernsim.fs.ext4;

import java.util.function.Function;
import java.util.function.IntFunction;
import kernsim.dev.Errno;
import kernsim.dev.SysResult;
import kernsim.dev.block.BlockDevice;
import kernsim.dev.code.Code;

/**
 * One operation's view of the filesystem while it holds the fs lock: the device, the superblock copy
 * it got with the lock, and the building blocks (bitmaps, inodes, block maps, directories) as
 * {@link Code}. Every block is read from the device when needed, never kept across operations, so the
 * block cache underneath stays the only copy of the filesystem.
 *
 * <p>Helpers return code that ends in a plain value, or in a {@link SysResult.Err} that ends the whole
 * chain ({@link #let}). Not thread-safe: one hart runs one operation.
 */
final class Tx {
  final BlockDevice dev;
  final boolean readOnly;
  Superblock sb;
  boolean sbDirty;

  Tx(BlockDevice dev, Superblock sb, boolean readOnly) {
    this.dev = dev;
    this.sb = sb;
    this.readOnly = readOnly;
  }

  /** A block mapped for writing; {@code fresh} blocks were just allocated and hold garbage. */
  record Mapped(int block, boolean fresh) {}

  /** A directory slot: the block it is in, its index, the inode it names (0 for a free slot). */
  record DirSlot(int block, int slot, int ino) {}

  /** A path resolved to an inode. */
  record Found(int ino, Inode inode) {}

  // ---- sequencing ----

  /** Runs {@code c}; an error ends the chain, any other value goes on to {@code k}. */
  @SuppressWarnings("unchecked")
  static <T> Code let(Code c, Function<T, Code> k) {
    return Code.bind(c, v -> v instanceof SysResult.Err ? Code.done(v) : k.apply((T) v));
  }

  /** {@code body(i)} for i in [from, to), stopping at the first error. */
  static Code each(int from, int to, IntFunction<Code> body) {
    if (from >= to) {
      return Code.done(null);
    }
    return let(body.apply(from), v -> each(from + 1, to, body));
  }

  static Code err(Errno e) {
    return Code.err(e);
  }

  static Code unit() {
    return Code.done(null);
  }

  // ---- blocks ----

  Code read(int block) {
    if (block <= 0 || block >= sb.totalBlocks()) {
      return err(Errno.EUCLEAN); // a pointer outside the device: corrupt metadata
    }
    return Code.then(dev.readBlock(block), ok -> ok.data() instanceof byte[] d && d.length == Layout.BLOCK
        ? Code.done(d.clone()) // the device may keep its array; ours gets changed
        : err(Errno.EIO));
  }

  Code write(int block, byte[] data) {
    if (block < 0 || block >= sb.totalBlocks()) {
      return err(Errno.EUCLEAN);
    }
    // A copy: the message must stay as sent while the caller goes on changing its buffer.
    return let(dev.writeBlock(block, data.clone()), ok -> unit());
  }

  /** Writes the superblock back if an allocation changed it, then ends with {@code result}. */
  Code finish(Object result) {
    if (!sbDirty) {
      return Code.done(result);
    }
    return Code.bind(write(0, Layout.encodeSuper(sb)),
        w -> w instanceof SysResult.Err && !(result instanceof SysResult.Err) ? Code.done(w) : Code.done(result));
  }

  // ---- bitmaps ----

  /**
   * Sets the first clear bit of the bitmap at {@code start}, ending with its index (ENOSPC if none). An
   * index below {@code first} is one mkfs marked in use for good (a reserved inode, a metadata block):
   * found clear, the bitmap is corrupt, EUCLEAN, as Linux's {@code ext4_mb_mark_diskspace_used}
   * ("Allocating blocks … which overlap fs metadata", EFSCORRUPTED) and {@code ext4_new_inode}
   * ("reserved inode found cleared") refuse to hand it out.
   */
  private Code allocBit(int start, int blocks, int first, int limit, int i) {
    if (i >= blocks) {
      return err(Errno.ENOSPC);
    }
    return let(read(start + i), (byte[] bm) -> {
      int bit = Layout.firstClear(bm);
      if (bit < 0) {
        return allocBit(start, blocks, first, limit, i + 1);
      }
      int index = i * Layout.BITS_PER_BLOCK + bit;
      if (index >= limit || index < first) {
        return err(Errno.EUCLEAN); // mkfs sets the bits past the end, and those of what it reserves
      }
      Layout.setBit(bm, bit, true);
      return let(write(start + i, bm), w -> Code.done(index));
    });
  }

  private Code freeBit(int start, int index) {
    int blk = start + index / Layout.BITS_PER_BLOCK;
    int bit = index % Layout.BITS_PER_BLOCK;
    return let(read(blk), (byte[] bm) -> {
      if (!Layout.bit(bm, bit)) {
        return err(Errno.EUCLEAN); // freeing a free block or inode
      }
      Layout.setBit(bm, bit, false);
      return write(blk, bm);
    });
  }

  /** A new data block (its content is garbage), or ENOSPC. */
  Code allocBlock() {
    if (sb.freeBlocks() == 0) {
      return err(Errno.ENOSPC);
    }
    return let(allocBit(sb.blockBitmapStart(), sb.blockBitmapBlocks(), sb.dataStart(), sb.totalBlocks(), 0), (Integer b) -> {
      sb = sb.withFree(sb.freeBlocks() - 1, sb.freeInodes());
      sbDirty = true;
      return Code.done(b);
    });
  }

  Code freeBlock(int b) {
    if (b < sb.dataStart() || b >= sb.totalBlocks()) {
      return err(Errno.EUCLEAN);
    }
    return let(freeBit(sb.blockBitmapStart(), b), v -> {
      sb = sb.withFree(sb.freeBlocks() + 1, sb.freeInodes());
      sbDirty = true;
      return unit();
    });
  }

  Code allocInode() {
    if (sb.freeInodes() == 0) {
      return err(Errno.ENOSPC);
    }
    return let(allocBit(sb.inodeBitmapStart(), sb.inodeBitmapBlocks(), Layout.ROOT_INODE + 1, sb.inodeCount(), 0), (Integer i) -> {
      sb = sb.withFree(sb.freeBlocks(), sb.freeInodes() - 1);
      sbDirty = true;
      return Code.done(i);
    });
  }

  Code freeInode(int ino) {
    return let(freeBit(sb.inodeBitmapStart(), ino), v -> {
      sb = sb.withFree(sb.freeBlocks(), sb.freeInodes() + 1);
      sbDirty = true;
      return unit();
    });
  }

  // ---- inodes ----

  boolean validIno(int ino) {
    return ino > 0 && ino < sb.inodeCount();
  }

  Code readInode(int ino) {
    if (!validIno(ino)) {
      return err(Errno.EUCLEAN);
    }
    return let(read(Layout.inodeBlock(sb, ino)), (byte[] b) -> Code.done(Layout.decodeInode(b, ino)));
  }

  /** Writes the inode's indirect block if it changed, then the inode (read-modify-write of its block). */
  Code writeInode(int ino, Inode in) {
    Code ind = in.indDirty && in.indirect != 0 ? write(in.indirect, in.ind) : unit();
    return let(ind, v -> {
      in.indDirty = false;
      int blk = Layout.inodeBlock(sb, ino);
      return let(read(blk), (byte[] b) -> {
        Layout.encodeInode(b, ino, in);
        return write(blk, b);
      });
    });
  }

  // ---- block maps ----

  private Code loadIndirect(Inode in) {
    if (in.ind != null) {
      return Code.done(in.ind);
    }
    return let(read(in.indirect), (byte[] b) -> {
      in.ind = b;
      return Code.done(b);
    });
  }

  /** The block holding file block {@code fb}, or 0 for a hole. */
  Code blockOf(Inode in, int fb) {
    if (fb < Layout.NDIRECT) {
      return Code.done(in.direct[fb]);
    }
    if (fb >= Layout.MAX_FILE_BLOCKS || in.indirect == 0) {
      return Code.done(0);
    }
    return let(loadIndirect(in), (byte[] ind) -> Code.done(Layout.pointer(ind, fb - Layout.NDIRECT)));
  }

  /** The block holding file block {@code fb}, allocating it (and the indirect block) if needed. */
  Code mapForWrite(Inode in, int fb) {
    if (fb < Layout.NDIRECT) {
      if (in.direct[fb] != 0) {
        return Code.done(new Mapped(in.direct[fb], false));
      }
      return let(allocBlock(), (Integer b) -> {
        in.direct[fb] = b;
        return Code.done(new Mapped(b, true));
      });
    }
    Code ind = in.indirect != 0 ? loadIndirect(in) : let(allocBlock(), (Integer b) -> {
      in.indirect = b;
      in.ind = new byte[Layout.BLOCK];
      in.indDirty = true;
      return Code.done(in.ind);
    });
    int i = fb - Layout.NDIRECT;
    return let(ind, (byte[] table) -> {
      int p = Layout.pointer(table, i);
      if (p != 0) {
        return Code.done(new Mapped(p, false));
      }
      return let(allocBlock(), (Integer b) -> {
        Layout.setPointer(in.ind, i, b);
        in.indDirty = true;
        return Code.done(new Mapped(b, true));
      });
    });
  }

  /** Frees every block of the file from file block {@code keep} on (and the indirect block if unused). */
  Code freeFrom(Inode in, int keep) {
    Code direct = each(keep, Layout.NDIRECT, fb -> {
      int b = in.direct[fb];
      if (b == 0) {
        return unit();
      }
      in.direct[fb] = 0;
      return freeBlock(b);
    });
    return let(direct, v -> {
      if (in.indirect == 0) {
        return unit();
      }
      return let(loadIndirect(in), (byte[] table) -> {
        Code entries = each(Math.max(0, keep - Layout.NDIRECT), Layout.PTRS_PER_BLOCK, i -> {
          int b = Layout.pointer(table, i);
          if (b == 0) {
            return unit();
          }
          Layout.setPointer(table, i, 0);
          in.indDirty = true;
          return freeBlock(b);
        });
        return let(entries, w -> {
          if (keep > Layout.NDIRECT) {
            return unit();
          }
          int ib = in.indirect;
          in.indirect = 0;
          in.ind = null;
          in.indDirty = false;
          return freeBlock(ib);
        });
      });
    });
  }

  // ---- directories ----

  /** Visits a directory block; returns true to stop the walk. */
  interface DirVisitor {
    boolean visit(int block, byte[] data);
  }

  Code walkDir(Inode dir, int fb, DirVisitor v) {
    if (fb >= dir.blockCount()) {
      return unit();
    }
    return let(blockOf(dir, fb), (Integer b) -> b == 0
        ? walkDir(dir, fb + 1, v)
        : let(read(b), (byte[] data) -> v.visit(b, data) ? unit() : walkDir(dir, fb + 1, v)));
  }

  /** The entry named {@code name} and the first free slot, either null when there is none. */
  record DirScan(DirSlot hit, DirSlot free) {}

  Code scanDir(Inode dir, String name) {
    DirSlot[] found = new DirSlot[2];
    return let(walkDir(dir, 0, (block, data) -> {
      for (int s = 0; s < Layout.DIRENTS_PER_BLOCK; s++) {
        int ino = Layout.direntInode(data, s);
        if (ino == 0) {
          if (found[1] == null) {
            found[1] = new DirSlot(block, s, 0);
          }
        } else if (Layout.direntName(data, s).equals(name)) {
          found[0] = new DirSlot(block, s, ino);
          return true;
        }
      }
      return false;
    }), v -> Code.done(new DirScan(found[0], found[1])));
  }

  /** The directory's entry names, sorted. */
  Code listDir(Inode dir) {
    java.util.List<String> names = new java.util.ArrayList<>();
    return let(walkDir(dir, 0, (block, data) -> {
      for (int s = 0; s < Layout.DIRENTS_PER_BLOCK; s++) {
        if (Layout.direntInode(data, s) != 0) {
          names.add(Layout.direntName(data, s));
        }
      }
      return false;
    }), v -> {
      java.util.Collections.sort(names);
      return Code.done(java.util.List.copyOf(names));
    });
  }

  /** Appends an empty block to the directory, ending with its first slot. */
  Code growDir(Inode dir) {
    int fb = dir.blockCount();
    if (fb >= Layout.MAX_FILE_BLOCKS) {
      return err(Errno.ENOSPC);
    }
    return let(mapForWrite(dir, fb), (Mapped m) -> let(write(m.block(), new byte[Layout.BLOCK]), v -> {
      dir.size += Layout.BLOCK;
      return Code.done(new DirSlot(m.block(), 0, 0));
    }));
  }

  Code setEntry(DirSlot slot, int ino, String name) {
    return let(read(slot.block()), (byte[] data) -> {
      Layout.setDirent(data, slot.slot(), ino, name);
      return write(slot.block(), data);
    });
  }

  /** Resolves {@code path} from the root. */
  Code walk(java.util.List<String> path, int i, int ino) {
    return let(readInode(ino), (Inode in) -> {
      if (in.mode == Layout.MODE_FREE) {
        return err(Errno.EUCLEAN); // a directory entry naming a free inode
      }
      if (i == path.size()) {
        return Code.done(new Found(ino, in));
      }
      if (!in.isDir()) {
        return err(Errno.ENOTDIR);
      }
      return let(scanDir(in, path.get(i)),
          (DirScan s) -> s.hit() == null ? err(Errno.ENOENT) : walk(path, i + 1, s.hit().ino()));
    });
  }
}
