package dev.graft.tracking;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

/** The small print of MLflow's file store: YAML as PyYAML's {@code safe_dump} writes it, float text, names. */
final class MlflowFormat {

    /** MLflow's rule for metric, param and tag names: alphanumerics, underscores, dashes, periods, spaces, slashes. */
    private static final Pattern NAME = Pattern.compile("[\\w\\-. /]+", Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern RUN_ID = Pattern.compile("[a-zA-Z0-9_-]{1,256}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private MlflowFormat() {
    }

    /** YAML with sorted keys in block style, like {@code yaml.safe_dump(data, default_flow_style=False)}. */
    static String dumpYaml(Map<String, ?> data) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setWidth(Integer.MAX_VALUE);
        options.setSplitLines(false);
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()), new Representer(options), options);
        return yaml.dump(new TreeMap<>(data)).replace("tags: [\n  ]", "tags: []");
    }

    /** Parses a {@code meta.yaml}. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> loadYaml(String text) {
        Object o = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        if (!(o instanceof Map)) {
            throw new IllegalArgumentException("not a YAML mapping");
        }
        return (Map<String, Object>) o;
    }

    /**
     * A double as Python's {@code str(float)} writes it (MLflow writes metric values with it): the shortest
     * round-trip digits, positional for {@code 1e-4 <= |v| < 1e16} ({@code 0.5}, {@code 3.0}), else scientific
     * ({@code 1e-05}, {@code 1.5e+16}); {@code nan}, {@code inf}, {@code -inf}.
     */
    static String pythonFloat(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return (1 / v < 0) ? "-0.0" : "0.0";
        }
        BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        String digits = d.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - d.scale(); // v = digits[0].digits[1:] x 10^exponent
        String sign = v < 0 ? "-" : "";
        if (exponent >= -4 && exponent < 16) {
            String plain = d.abs().toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return String.format(Locale.ROOT, "%s%se%s%02d", sign, mantissa, exponent < 0 ? "-" : "+", Math.abs(exponent));
    }

    /** Checks a metric, param or tag name as MLflow does, so that the file store accepts it. */
    static String checkName(String kind, String name) {
        if (name == null || name.isEmpty() || !NAME.matcher(name).matches() || name.contains("..")
                || name.startsWith("/") || name.endsWith("/")) {
            throw new IllegalArgumentException("Invalid " + kind + " name '" + name + "': use letters, digits, '_', '-', "
                    + "'.', ' ' and '/' only (no '..', no leading or trailing '/')");
        }
        return name;
    }

    /** Replaces characters MLflow does not allow in names by '_'. */
    static String sanitizeName(String name) {
        String s = name.replaceAll("[^\\w\\-. /]", "_").replace("..", "_");
        while (s.startsWith("/")) {
            s = s.substring(1);
        }
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        return s.isEmpty() ? "_" : s;
    }

    static String checkRunId(String runId) {
        if (runId == null || !RUN_ID.matcher(runId).matches()) {
            throw new IllegalArgumentException("Invalid run id '" + runId + "'");
        }
        return runId;
    }

    /** A new run id: 32 lower-case hex digits, like {@code uuid.uuid4().hex}. */
    static String newRunId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    /** A new experiment id: a random positive integer of up to 18 digits, like MLflow's. */
    static String newExperimentId() {
        long id;
        do {
            id = Math.floorMod(RANDOM.nextLong(), 1_000_000_000_000_000_000L);
        } while (id < 100_000_000_000_000L);
        return Long.toString(id);
    }

    /** {@code file:///abs/path} without a trailing slash, like Python's {@code Path.as_uri()}. */
    static String fileUri(Path path) {
        try {
            return new URI("file", "", path.toAbsolutePath().normalize().toString(), null, null).toASCIIString();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot make a file URI of " + path, e);
        }
    }

    /** A generated run name like MLflow's ({@code adjective-noun-123}). */
    static String randomRunName() {
        String[] adjectives = {"able", "bold", "brave", "bright", "calm", "clever", "eager", "gentle", "keen", "lucky",
                "merry", "nimble", "quiet", "rare", "sharp", "steady", "swift", "warm", "wise", "witty"};
        String[] nouns = {"ant", "bear", "crane", "deer", "eagle", "finch", "fox", "hare", "heron", "lark", "lynx",
                "moth", "otter", "owl", "panda", "robin", "seal", "swan", "wolf", "wren"};
        return adjectives[RANDOM.nextInt(adjectives.length)] + "-" + nouns[RANDOM.nextInt(nouns.length)] + "-"
                + RANDOM.nextInt(1000);
    }

    /** Writes via a temporary sibling and an atomic rename, with the default (umask) permissions. */
    static void replaceFile(Path target, String text) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + java.util.UUID.randomUUID() + ".tmp");
        try {
            Files.writeString(tmp, text, java.nio.charset.StandardCharsets.UTF_8);
            try {
                Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
