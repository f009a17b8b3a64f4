package dev.graft.util;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * A library that graft-core declares {@code <optional>true</optional>}: only one feature needs it, so a project that
 * depends on graft-core does not get it unless it adds it. The graft command line declares them all. A feature
 * calls {@link #require} before its first use of the library, which fails with a message naming the Maven
 * coordinates to add instead of a {@link NoClassDefFoundError} deep inside.
 */
public enum OptionalDependency {
    /** The SQLite JDBC driver that stores tuning studies. */
    SQLITE_JDBC("org.xerial", "sqlite-jdbc", "org.sqlite.JDBC"),
    /** TwelveMonkeys' JPEG reader (CMYK/YCCK, EXIF), registered with ImageIO. */
    IMAGEIO_JPEG("com.twelvemonkeys.imageio", "imageio-jpeg", "com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReader"),
    /** TwelveMonkeys' WebP reader, registered with ImageIO. */
    IMAGEIO_WEBP("com.twelvemonkeys.imageio", "imageio-webp", "com.twelvemonkeys.imageio.plugins.webp.WebPImageReader"),
    /** XChart, which draws the charts of HTML reports. */
    XCHART("org.knowm.xchart", "xchart", "org.knowm.xchart.XYChart"),
    /** Javalin (on Jetty), the HTTP server of {@code dev.graft.serve}. */
    JAVALIN("io.javalin", "javalin", "io.javalin.Javalin");

    private static final String VERSIONS = "/dev/graft/util/optional-dependencies.properties";

    private final String groupId;
    private final String artifactId;
    private final String probeClass;
    private volatile Boolean present;

    OptionalDependency(String groupId, String artifactId, String probeClass) {
        this.groupId = groupId;
        this.artifactId = artifactId;
        this.probeClass = probeClass;
    }

    /** The Maven coordinates graft-core was built against, {@code groupId:artifactId:version}. */
    public String coordinates() {
        return groupId + ":" + artifactId + ":" + Versions.PROPERTIES.getProperty(artifactId, "?");
    }

    /** Whether the library is on the class path (looked up once, without initialising any of its classes). */
    public boolean isPresent() {
        Boolean p = present;
        if (p == null) {
            try {
                Class.forName(probeClass, false, OptionalDependency.class.getClassLoader());
                p = true;
            } catch (ClassNotFoundException | LinkageError e) {
                p = false;
            }
            present = p;
        }
        return p;
    }

    /**
     * Checks that {@code dependencies} are on the class path.
     *
     * @param feature      what needs them, e.g. {@code "tuning studies"}
     * @param dependencies the libraries the feature uses
     * @throws IllegalStateException naming {@code feature} and the coordinates of every missing library
     */
    public static void require(String feature, OptionalDependency... dependencies) {
        List<String> missing = new ArrayList<>();
        for (OptionalDependency d : dependencies) {
            if (!d.isPresent()) {
                missing.add(d.coordinates());
            }
        }
        if (!missing.isEmpty()) {
            boolean one = missing.size() == 1;
            throw new IllegalStateException(String.join(" and ", missing) + (one ? " is" : " are")
                    + " not on the class path; " + (one ? "it is" : "they are") + " needed for " + feature + " and "
                    + (one ? "is an optional dependency" : "are optional dependencies") + " of graft-core: add "
                    + (one ? "it" : "them") + " to your project beside graft-core (the graft command line includes "
                    + (one ? "it" : "them") + ").");
        }
    }

    /** The versions, read once. */
    private static final class Versions {
        static final Properties PROPERTIES = load();

        private static Properties load() {
            Properties p = new Properties();
            try (InputStream in = OptionalDependency.class.getResourceAsStream(VERSIONS)) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + VERSIONS + " from graft-core's jar", e);
            }
            return p;
        }
    }
}
