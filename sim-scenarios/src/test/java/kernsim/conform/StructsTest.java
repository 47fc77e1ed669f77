package kernsim.conform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Memory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import kernsim.dev.loop.LoopAbi;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JNA structures have the kernel's layout on x86-64: every size and field offset, as
 * {@code <linux/loop.h>} and {@code <linux/hdreg.h>} give them (the figures below were read from gcc's
 * {@code sizeof}/{@code offsetof}; {@link #theCCompilerAgrees} re-reads them where gcc and the kernel
 * headers are installed).
 */
class StructsTest {
  @BeforeAll
  static void x86Linux() {
    assumeTrue(Sys.unsupported().isEmpty(), () -> "skipped: " + Sys.unsupported().get());
  }

  /** Every layout figure: "struct.field" → offset, "struct" → size. */
  static Map<String, Integer> jnaLayout() {
    Map<String, Integer> m = new LinkedHashMap<>();
    Memory buf = Sys.ioctlBuffer();
    Structs.LoopInfo64 i64 = new Structs.LoopInfo64(buf);
    m.put("loop_info64", i64.size());
    for (String f : List.of("lo_device", "lo_inode", "lo_rdevice", "lo_offset", "lo_sizelimit", "lo_number",
        "lo_encrypt_type", "lo_encrypt_key_size", "lo_flags", "lo_file_name", "lo_crypt_name", "lo_encrypt_key",
        "lo_init")) {
      m.put("loop_info64." + f, i64.offsetOf(f));
    }
    Structs.LoopInfo i = new Structs.LoopInfo(buf);
    m.put("loop_info", i.size());
    for (String f : List.of("lo_number", "lo_device", "lo_inode", "lo_rdevice", "lo_offset", "lo_encrypt_type",
        "lo_encrypt_key_size", "lo_flags", "lo_name", "lo_encrypt_key", "lo_init", "reserved")) {
      m.put("loop_info." + f, i.offsetOf(f));
    }
    Structs.LoopConfig c = new Structs.LoopConfig(buf);
    m.put("loop_config", c.size());
    m.put("loop_config.fd", c.offsetOf("fd"));
    m.put("loop_config.block_size", c.offsetOf("block_size"));
    m.put("loop_config.info", c.offsetOf("info"));
    m.put("loop_config.__reserved", c.offsetOf("reserved"));
    Structs.HdGeometry g = new Structs.HdGeometry(buf);
    m.put("hd_geometry", g.size());
    for (String f : List.of("heads", "sectors", "cylinders", "start")) {
      m.put("hd_geometry." + f, g.offsetOf(f));
    }
    return m;
  }

  @Test
  void sizesAndOffsetsAreTheKernels() {
    Map<String, Integer> m = jnaLayout();
    assertEquals(232, m.get("loop_info64"));
    assertEquals(List.of(0, 8, 16, 24, 32, 40, 44, 48, 52, 56, 120, 184, 216),
        List.of(m.get("loop_info64.lo_device"), m.get("loop_info64.lo_inode"), m.get("loop_info64.lo_rdevice"),
            m.get("loop_info64.lo_offset"), m.get("loop_info64.lo_sizelimit"), m.get("loop_info64.lo_number"),
            m.get("loop_info64.lo_encrypt_type"), m.get("loop_info64.lo_encrypt_key_size"),
            m.get("loop_info64.lo_flags"), m.get("loop_info64.lo_file_name"), m.get("loop_info64.lo_crypt_name"),
            m.get("loop_info64.lo_encrypt_key"), m.get("loop_info64.lo_init")));
    // loop_info: __kernel_old_dev_t and unsigned long are 8 bytes on x86-64, so lo_device is padded to 8
    assertEquals(168, m.get("loop_info"));
    assertEquals(List.of(0, 8, 16, 24, 32, 36, 40, 44, 48, 112, 144, 160),
        List.of(m.get("loop_info.lo_number"), m.get("loop_info.lo_device"), m.get("loop_info.lo_inode"),
            m.get("loop_info.lo_rdevice"), m.get("loop_info.lo_offset"), m.get("loop_info.lo_encrypt_type"),
            m.get("loop_info.lo_encrypt_key_size"), m.get("loop_info.lo_flags"), m.get("loop_info.lo_name"),
            m.get("loop_info.lo_encrypt_key"), m.get("loop_info.lo_init"), m.get("loop_info.reserved")));
    assertEquals(304, m.get("loop_config"));
    assertEquals(List.of(0, 4, 8, 240), List.of(m.get("loop_config.fd"), m.get("loop_config.block_size"),
        m.get("loop_config.info"), m.get("loop_config.__reserved")));
    assertEquals(16, m.get("hd_geometry"));
    assertEquals(List.of(0, 1, 2, 8), List.of(m.get("hd_geometry.heads"), m.get("hd_geometry.sectors"),
        m.get("hd_geometry.cylinders"), m.get("hd_geometry.start")));
    assertTrue(m.values().stream().allMatch(v -> v < Sys.IOCTL_BUFFER), "every structure fits the ioctl buffer");
  }

  @Test
  void aLoopConfigIsWrittenWhereTheKernelReadsIt() {
    Memory buf = Sys.ioctlBuffer();
    Structs.LoopConfig c = new Structs.LoopConfig(buf);
    c.set(new LoopAbi.LoopConfig(0, 4096, new LoopAbi.LoopInfo64(0, 0, 0, 512, 8192, 0, 0,
        LoopAbi.LO_FLAGS_READ_ONLY | LoopAbi.LO_FLAGS_AUTOCLEAR, LoopAbi.name("img"), null)), 7);
    c.write();
    assertEquals(7, buf.getInt(0));
    assertEquals(4096, buf.getInt(4));
    assertEquals(512, buf.getLong(8 + 24), "lo_offset");
    assertEquals(8192, buf.getLong(8 + 32), "lo_sizelimit");
    assertEquals(LoopAbi.LO_FLAGS_READ_ONLY | LoopAbi.LO_FLAGS_AUTOCLEAR, buf.getInt(8 + 52), "lo_flags");
    assertEquals("img", new String(buf.getByteArray(8 + 56, 3), StandardCharsets.US_ASCII), "lo_file_name");
    for (int w = 0; w < 8; w++) {
      assertEquals(0, buf.getLong(240 + 8L * w), "__reserved[" + w + "] stays zero");
    }
    Structs.LoopInfo64 back = new Structs.LoopInfo64(buf.share(8));
    back.read();
    assertEquals("img", back.toAbi(n -> n).fileNameString());
  }

  /** gcc compiles sizeof/offsetof against the installed kernel headers and prints the same figures. */
  @Test
  void theCCompilerAgrees(@TempDir Path dir) throws IOException, InterruptedException {
    Path gcc = Path.of("/usr/bin/gcc");
    assumeTrue(Files.isExecutable(gcc), "skipped: no /usr/bin/gcc to read the C layout with");
    assumeTrue(Files.exists(Path.of("/usr/include/linux/loop.h")), "skipped: no kernel headers (linux-libc-dev)");
    Map<String, Integer> jna = jnaLayout();
    StringBuilder c = new StringBuilder("#include <stdio.h>\n#include <stddef.h>\n#include <linux/loop.h>\n"
        + "#include <linux/hdreg.h>\nint main(void){\n");
    for (String key : jna.keySet()) {
      String[] p = key.split("\\.");
      String expr = p.length == 1 ? "sizeof(struct " + p[0] + ")" : "offsetof(struct " + p[0] + ", " + p[1] + ")";
      c.append("printf(\"%s %zu\\n\", \"").append(key).append("\", ").append(expr).append(");\n");
    }
    c.append("return 0;}\n");
    Files.writeString(dir.resolve("layout.c"), c);
    Process cc = new ProcessBuilder(gcc.toString(), "-o", dir.resolve("layout").toString(),
        dir.resolve("layout.c").toString()).redirectErrorStream(true).start();
    String ccOut = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(cc.waitFor(120, TimeUnit.SECONDS) && cc.exitValue() == 0, "gcc: " + ccOut);
    Process run = new ProcessBuilder(dir.resolve("layout").toString()).start();
    Map<String, Integer> fromC = new LinkedHashMap<>();
    for (String line : new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
      String[] kv = line.split(" ");
      fromC.put(kv[0], Integer.parseInt(kv[1]));
    }
    assertTrue(run.waitFor(60, TimeUnit.SECONDS));
    assertEquals(fromC, jna);
  }
}
