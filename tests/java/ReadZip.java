// Reads a zip with Java's own readers and prints, per entry, what Java saw.
// Compiled and run by tests/bundle.rs (javac at test time; no build tool).
//
//   java ReadZip CHARSET MODE FILE
//     CHARSET  "default": new ZipInputStream(in) / new ZipFile(f)
//              anything else, e.g. "GBK": the constructors taking Charset.forName(CHARSET)
//     MODE     "read": ZipInputStream then ZipFile, reading every byte of every entry
//              "list": ZipFile only; entries over 64 MiB are listed, not read
//              "stream": ZipInputStream reading every byte of every entry, then
//                        ZipFile as in "list"
//
// Output, UTF-8, one line per entry (tab-separated):
//   ZIS|ZF  name  crc32-hex-computed-while-reading  bytes-read  crc32-declared  size-declared
// where a listed-only entry has "-" for the computed CRC and bytes read.
// Any exception propagates: a non-zero exit and a stack trace on stderr.

import java.io.BufferedInputStream;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

public class ReadZip {
    static final long LIST_ONLY_ABOVE = 64L * 1024 * 1024;

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: java ReadZip CHARSET read|list|stream FILE");
            System.exit(64);
        }
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        String charset = args[0];
        boolean list = !args[1].equals("read");
        boolean stream = !args[1].equals("list");
        File file = new File(args[2]);
        Charset cs = charset.equals("default") ? null : Charset.forName(charset);
        out.println("#\tdefault-charset\t" + Charset.defaultCharset() + "\tasked\t" + charset);
        byte[] buf = new byte[1 << 16];

        if (stream) {
            try (InputStream in = new BufferedInputStream(new FileInputStream(file));
                 ZipInputStream zis = cs == null ? new ZipInputStream(in) : new ZipInputStream(in, cs)) {
                ZipEntry e;
                while ((e = zis.getNextEntry()) != null) {
                    CRC32 crc = new CRC32();
                    long n = 0;
                    int k;
                    // ZipInputStream checks the CRC and size of a STORED entry itself
                    // and throws ZipException on a mismatch.
                    while ((k = zis.read(buf)) > 0) {
                        crc.update(buf, 0, k);
                        n += k;
                    }
                    out.println("ZIS\t" + e.getName() + "\t" + String.format("%08x", crc.getValue()) + "\t" + n
                            + "\t" + String.format("%08x", e.getCrc()) + "\t" + e.getSize());
                }
            }
        }

        try (ZipFile zf = cs == null ? new ZipFile(file) : new ZipFile(file, cs)) {
            Enumeration<? extends ZipEntry> en = zf.entries();
            while (en.hasMoreElements()) {
                ZipEntry e = en.nextElement();
                String decl = String.format("%08x", e.getCrc()) + "\t" + e.getSize();
                if (list && e.getSize() > LIST_ONLY_ABOVE) {
                    out.println("ZF\t" + e.getName() + "\t-\t-\t" + decl);
                    continue;
                }
                CRC32 crc = new CRC32();
                long n = 0;
                try (InputStream in = zf.getInputStream(e)) {
                    int k;
                    while ((k = in.read(buf)) > 0) {
                        crc.update(buf, 0, k);
                        n += k;
                    }
                }
                out.println("ZF\t" + e.getName() + "\t" + String.format("%08x", crc.getValue()) + "\t" + n + "\t" + decl);
            }
        }
    }
}
