package kernsim.fs.ext4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The on-disk encodings, without a world. */
class LayoutTest {
  @Test
  void superblockRoundTripsAndRejectsDamage() {
    Superblock sb = Layout.geometry(2048);
    assertEquals(512, sb.inodeCount());
    assertEquals(1 + 1 + 1 + 64, sb.dataStart());
    byte[] b = Layout.encodeSuper(sb);
    assertEquals(sb, Layout.decodeSuper(b));
    b[13] ^= 1;
    assertNull(Layout.decodeSuper(b));
    assertNull(Layout.decodeSuper(new byte[512]));
  }

  @Test
  void inodesAndEntriesKeepTheirSlots() {
    byte[] block = new byte[512];
    Inode in = new Inode();
    in.mode = Layout.MODE_FILE;
    in.links = 1;
    in.size = 70_000;
    in.direct[9] = 123;
    in.indirect = 456;
    Layout.encodeInode(block, 13, in); // slot 5
    Inode back = Layout.decodeInode(block, 13);
    assertEquals(70_000, back.size);
    assertEquals(123, back.direct[9]);
    assertEquals(456, back.indirect);
    assertEquals(Layout.MODE_FREE, Layout.decodeInode(block, 12).mode);
    Layout.setDirent(block, 7, 99, "name");
    assertEquals(99, Layout.direntInode(block, 7));
    assertEquals("name", Layout.direntName(block, 7));
    Layout.setBit(block, 4095, true);
    assertEquals(0, Layout.firstClear(block));
  }
}
