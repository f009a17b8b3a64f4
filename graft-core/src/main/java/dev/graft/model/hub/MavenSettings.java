package dev.graft.model.hub;

import dev.graft.util.GraftHome;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Where model jars are looked for and fetched from ({@link MavenDownloads}). Tests build one directly;
 * {@link #fromEnvironment()} reads the variables below.
 *
 * @param repository      the remote repository, e.g. {@value #CENTRAL} (no trailing slash)
 * @param localRepository the local Maven repository read first (never written), normally {@code ~/.m2/repository}
 * @param offline         when true no request is made: a jar comes from {@code localRepository} or not at all
 * @param downloadDir     where downloads in progress are kept (a partial download resumes from here)
 * @param connectTimeout  limit for connecting and for the response headers
 * @param readTimeout     limit for each read of the body: a download that receives nothing for this long fails,
 *                        keeping what it received
 */
public record MavenSettings(URI repository, Path localRepository, boolean offline, Path downloadDir,
                            Duration connectTimeout, Duration readTimeout) {

    /** Maven Central. */
    public static final String CENTRAL = "https://repo.maven.apache.org/maven2";
    /** Variable (or system property) naming another repository, e.g. a company mirror of Maven Central. */
    public static final String REPOSITORY_VARIABLE = "GRAFT_MAVEN_REPOSITORY";
    /** Variable (or system property) that, when {@code 1}/{@code true}/{@code yes}/{@code on}, forbids downloads. */
    public static final String OFFLINE_VARIABLE = "GRAFT_OFFLINE";
    /** Variable (or system property) with the read timeout in seconds (default 60). */
    public static final String READ_TIMEOUT_VARIABLE = "GRAFT_DOWNLOAD_TIMEOUT";

    private static final Set<String> TRUE_VALUES = Set.of("1", "true", "yes", "on");

    /** Validates; strips a trailing slash from the repository; makes the folders absolute. */
    public MavenSettings {
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(localRepository, "localRepository");
        Objects.requireNonNull(downloadDir, "downloadDir");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        String scheme = repository.getScheme() == null ? "" : repository.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http")) || repository.getHost() == null) {
            throw new IllegalArgumentException("The Maven repository must be an http(s) URL such as " + CENTRAL + ", got '"
                    + repository + "'; check " + REPOSITORY_VARIABLE);
        }
        String s = repository.toString();
        if (s.endsWith("/")) {
            repository = URI.create(s.substring(0, s.length() - 1));
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero() || readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive, got " + connectTimeout + " and " + readTimeout);
        }
        localRepository = localRepository.toAbsolutePath();
        downloadDir = downloadDir.toAbsolutePath();
    }

    /** Online settings for {@code repository} with 30 s connect and 60 s read timeouts. */
    public static MavenSettings of(URI repository, Path localRepository, Path downloadDir) {
        return new MavenSettings(repository, localRepository, false, downloadDir, Duration.ofSeconds(30), Duration.ofSeconds(60));
    }

    /**
     * Reads {@value #REPOSITORY_VARIABLE} (default {@value #CENTRAL}), {@value #OFFLINE_VARIABLE},
     * {@value #READ_TIMEOUT_VARIABLE} and the system property {@code maven.repo.local} (default
     * {@code ~/.m2/repository}); downloads in progress go to {@code downloads} in the Graft home. A system property of
     * the same name takes precedence over an environment variable.
     */
    public static MavenSettings fromEnvironment() {
        return fromLookup(name -> {
            String p = System.getProperty(name);
            return p != null ? p : System.getenv(name);
        });
    }

    /** Like {@link #fromEnvironment()} with variables from {@code lookup} (null when unset). */
    public static MavenSettings fromLookup(UnaryOperator<String> lookup) {
        String repo = lookup.apply(REPOSITORY_VARIABLE);
        String local = lookup.apply("maven.repo.local");
        String offline = lookup.apply(OFFLINE_VARIABLE);
        return new MavenSettings(URI.create(repo == null || repo.isBlank() ? CENTRAL : repo.trim()),
                local == null || local.isBlank() ? Path.of(System.getProperty("user.home"), ".m2", "repository") : Path.of(local),
                offline != null && TRUE_VALUES.contains(offline.trim().toLowerCase(Locale.ROOT)),
                GraftHome.root().resolve("downloads"), Duration.ofSeconds(30), readTimeout(lookup.apply(READ_TIMEOUT_VARIABLE)));
    }

    private static Duration readTimeout(String seconds) {
        return HubSettings.seconds(READ_TIMEOUT_VARIABLE, seconds, Duration.ofSeconds(60));
    }

    /** These settings with {@code offline} changed. */
    public MavenSettings withOffline(boolean value) {
        return new MavenSettings(repository, localRepository, value, downloadDir, connectTimeout, readTimeout);
    }

    /** These settings with another read timeout. */
    public MavenSettings withReadTimeout(Duration value) {
        return new MavenSettings(repository, localRepository, offline, downloadDir, connectTimeout, value);
    }
}
