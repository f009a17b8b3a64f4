package dev.graft.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * graft-core's optional libraries: present here (the test class path has them), and, in a class loader that sees the
 * test class path without them (what a project that depends on graft-core alone gets), each feature that needs one
 * fails at its entry point with a message naming the coordinates, before it writes anything.
 */
class OptionalDependencyTest {

    /** The jars of SQLite JDBC, XChart and TwelveMonkeys ImageIO (with its common-* libraries). */
    private static final Pattern OPTIONAL_JAR =
            Pattern.compile("^(sqlite-jdbc|xchart|javalin|imageio-[a-z]+|common-(lang|io|image))-\\d[^/]*\\.jar$");

    @TempDir
    Path dir;

    @Test
    void allArePresentOnGraftCoresOwnClassPathWithTheBuildsVersions() {
        for (OptionalDependency d : OptionalDependency.values()) {
            assertTrue(d.isPresent(), d + " is on graft-core's test class path");
            assertTrue(d.coordinates().matches("[a-z.]+:[a-z-]+:\\d+(\\.\\d+)+"), d.coordinates());
        }
        assertEquals("org.xerial:sqlite-jdbc:" + org.sqlite.SQLiteJDBCLoader.getVersion(),
                OptionalDependency.SQLITE_JDBC.coordinates());
        OptionalDependency.require("everything", OptionalDependency.values()); // no exception
    }

    @Test
    void tuningStudiesWithoutSqliteNameTheDriverAndWriteNothing() throws Exception {
        Path study = dir.resolve("study");
        Throwable e = failure("dev.graft.tuning.StudyStore", "open", new Class<?>[] {Path.class}, study);
        assertEquals(OptionalDependency.SQLITE_JDBC.coordinates() + " is not on the class path; it is needed for tuning"
                + " studies (stored in SQLite) and is an optional dependency of graft-core: add it to your project beside"
                + " graft-core (the graft command line includes it).", e.getMessage());
        assertFalse(Files.exists(study), "nothing is created before the check");
    }

    @Test
    void readingImagesWithoutTwelveMonkeysNamesBothReaders() throws Exception {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png", png); // the JDK alone could read it
        Throwable e = failure("dev.graft.data.image.ImageDecoder", "decode", new Class<?>[] {byte[].class, Path.class},
                png.toByteArray(), dir.resolve("a.png"));
        assertEquals(OptionalDependency.IMAGEIO_JPEG.coordinates() + " and " + OptionalDependency.IMAGEIO_WEBP.coordinates()
                + " are not on the class path; they are needed for reading images and are optional dependencies of"
                + " graft-core: add them to your project beside graft-core (the graft command line includes them).",
                e.getMessage());
    }

    @Test
    void reportsWithoutXChartNameItAndWriteNothing() throws Exception {
        Path out = Files.createDirectory(dir.resolve("model"));
        Class<?> reportData = Class.forName("dev.graft.report.ReportData");
        Throwable e = failure("dev.graft.report.HtmlReport", "write", new Class<?>[] {reportData, Path.class, List.class},
                null, out, List.of());
        assertTrue(e.getMessage().startsWith(OptionalDependency.XCHART.coordinates() + " is not on the class path; it is"
                + " needed for the charts of HTML reports"), e.getMessage());
        try (Stream<Path> entries = Files.list(out)) {
            assertEquals(0, entries.count());
        }
    }

    /** Calls {@code cls.method(args)} in a class loader without the optional jars; returns what it threw. */
    private static Throwable failure(String cls, String method, Class<?>[] types, Object... args) throws Exception {
        try (URLClassLoader loader = withoutOptionalJars()) {
            for (OptionalDependency d : OptionalDependency.values()) {
                Method present = loader.loadClass(OptionalDependency.class.getName()).getMethod("isPresent");
                Object constant = Enum.valueOf(loader.loadClass(OptionalDependency.class.getName())
                        .asSubclass(Enum.class), d.name());
                assertFalse((Boolean) present.invoke(constant), d + " must be missing in this class loader");
            }
            Class<?> c = Class.forName(cls, true, loader);
            Class<?>[] localTypes = new Class<?>[types.length];
            for (int i = 0; i < types.length; i++) {
                localTypes[i] = types[i].getName().startsWith("dev.graft.") ? loader.loadClass(types[i].getName()) : types[i];
            }
            Method m = c.getMethod(method, localTypes);
            InvocationTargetException thrown = assertThrows(InvocationTargetException.class, () -> m.invoke(null, args));
            return assertInstanceOf(IllegalStateException.class, thrown.getCause());
        }
    }

    private static URLClassLoader withoutOptionalJars() throws Exception {
        List<URL> urls = new ArrayList<>();
        int left = 0;
        for (String entry : System.getProperty("java.class.path").split(Pattern.quote(File.pathSeparator))) {
            Path p = Path.of(entry);
            if (OPTIONAL_JAR.matcher(p.getFileName().toString()).matches()) {
                left++;
            } else {
                urls.add(p.toUri().toURL());
            }
        }
        assertEquals(10, left, "sqlite-jdbc, xchart, javalin and the 7 TwelveMonkeys jars are left out of "
                + Arrays.toString(urls.toArray()));
        return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }
}
