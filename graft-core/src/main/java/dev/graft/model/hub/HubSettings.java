package dev.graft.model.hub;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Where and how to reach the Hub. Tests build one directly; {@link #fromEnvironment()} reads the variables
 * {@code huggingface_hub} reads.
 *
 * @param endpoint       the Hub, e.g. {@code https://huggingface.co} (no trailing slash)
 * @param token          an access token, or null; sent as {@code Authorization: Bearer}, never shown
 * @param offline        when true no request is made: models come from the cache or the call fails
 * @param cacheDir       the hub cache root holding {@code models--org--name} folders
 * @param requestTimeout limit for connecting and for each request's response headers
 * @param readTimeout    limit for each read of a response body: a download that receives nothing for this long fails
 *                       (resumably: the bytes received are kept)
 */
public record HubSettings(URI endpoint, String token, boolean offline, Path cacheDir, Duration requestTimeout,
                          Duration readTimeout) {

    /** Default {@link #readTimeout()}: a download that receives nothing for a minute has stalled. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);
    /** Variable (or system property) setting {@link #readTimeout()} in seconds, as in {@code huggingface_hub}. */
    public static final String READ_TIMEOUT_VARIABLE = "HF_HUB_DOWNLOAD_TIMEOUT";

    /** The public Hub. */
    public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");

    private static final java.util.Set<String> TRUE_VALUES = java.util.Set.of("1", "true", "yes", "on");

    /** Validates; strips a trailing slash from the endpoint; a blank token becomes null. */
    public HubSettings {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(cacheDir, "cacheDir");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http")) || endpoint.getHost() == null) {
            throw new IllegalArgumentException("Hub endpoint must be an http(s) URL such as " + DEFAULT_ENDPOINT
                    + ", got '" + endpoint + "'; check HF_ENDPOINT");
        }
        String s = endpoint.toString();
        if (s.endsWith("/")) {
            endpoint = URI.create(s.substring(0, s.length() - 1));
        }
        if (token != null && token.isBlank()) {
            token = null;
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive, got " + requestTimeout);
        }
        if (readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("readTimeout must be positive, got " + readTimeout);
        }
        cacheDir = cacheDir.toAbsolutePath();
    }

    /** Settings with the default {@link #readTimeout()}. */
    public HubSettings(URI endpoint, String token, boolean offline, Path cacheDir, Duration requestTimeout) {
        this(endpoint, token, offline, cacheDir, requestTimeout, DEFAULT_READ_TIMEOUT);
    }

    /** Settings for {@code endpoint} and {@code cacheDir}, online, without a token, 30 s request and 60 s read timeouts. */
    public static HubSettings of(URI endpoint, Path cacheDir) {
        return new HubSettings(endpoint, null, false, cacheDir, Duration.ofSeconds(30), DEFAULT_READ_TIMEOUT);
    }

    /**
     * Reads {@code HF_ENDPOINT}, {@code HF_TOKEN}, {@code HF_HUB_OFFLINE}, {@code HF_HUB_CACHE} and {@code HF_HOME}
     * (cache {@code $HF_HOME/hub}, default {@code ~/.cache/huggingface/hub}) and {@value #READ_TIMEOUT_VARIABLE}
     * (seconds without data before a download fails, default 60). A system property of the same name
     * takes precedence over the environment variable.
     */
    public static HubSettings fromEnvironment() {
        return fromLookup(name -> {
            String p = System.getProperty(name);
            return p != null ? p : System.getenv(name);
        });
    }

    /** Like {@link #fromEnvironment()} with variables from {@code lookup} (null when unset). */
    public static HubSettings fromLookup(UnaryOperator<String> lookup) {
        String endpoint = lookup.apply("HF_ENDPOINT");
        String offline = lookup.apply("HF_HUB_OFFLINE");
        String cache = lookup.apply("HF_HUB_CACHE");
        Path dir;
        if (cache != null && !cache.isBlank()) {
            dir = Path.of(cache);
        } else {
            String home = lookup.apply("HF_HOME");
            dir = (home != null && !home.isBlank() ? Path.of(home)
                    : Path.of(System.getProperty("user.home"), ".cache", "huggingface")).resolve("hub");
        }
        return new HubSettings(endpoint == null || endpoint.isBlank() ? DEFAULT_ENDPOINT : URI.create(endpoint.trim()),
                lookup.apply("HF_TOKEN"), isTrue(offline), dir, Duration.ofSeconds(30), readTimeout(lookup.apply(READ_TIMEOUT_VARIABLE)));
    }

    private static Duration readTimeout(String seconds) {
        return seconds(READ_TIMEOUT_VARIABLE, seconds, DEFAULT_READ_TIMEOUT);
    }

    /**
     * A read timeout given in seconds by {@code variable}: {@code fallback} when unset, else a number above 0 and at
     * most a day.
     *
     * @throws IllegalArgumentException naming {@code variable} and what it must be
     */
    static Duration seconds(String variable, String seconds, Duration fallback) {
        if (seconds == null || seconds.isBlank()) {
            return fallback;
        }
        try {
            double s = Double.parseDouble(seconds.trim());
            if (s > 0 && s <= 86_400) {
                return Duration.ofMillis(Math.max(1, Math.round(s * 1000)));
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException(variable + " must be a number of seconds between 0 and 86400 (how long a"
                + " download may receive nothing before it fails), got '" + seconds + "'");
    }

    private static boolean isTrue(String v) {
        return v != null && TRUE_VALUES.contains(v.trim().toLowerCase(Locale.ROOT));
    }

    /** These settings with {@code offline} changed. */
    public HubSettings withOffline(boolean value) {
        return new HubSettings(endpoint, token, value, cacheDir, requestTimeout, readTimeout);
    }

    /** These settings with another token (null for none). */
    public HubSettings withToken(String value) {
        return new HubSettings(endpoint, value, offline, cacheDir, requestTimeout, readTimeout);
    }

    /** These settings with another {@link #readTimeout()}. */
    public HubSettings withReadTimeout(Duration value) {
        return new HubSettings(endpoint, token, offline, cacheDir, requestTimeout, value);
    }

    /** Shows whether a token is set, never the token. */
    @Override
    public String toString() {
        return "HubSettings[endpoint=" + endpoint + ", token=" + (token == null ? "none" : "***") + ", offline="
                + offline + ", cacheDir=" + cacheDir + ", requestTimeout=" + requestTimeout + ", readTimeout=" + readTimeout + "]";
    }

}
