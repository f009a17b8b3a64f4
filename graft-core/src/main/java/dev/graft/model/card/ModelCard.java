package dev.graft.model.card;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Hugging Face model card ({@code README.md}): the top-level scalar fields of its YAML front matter, between
 * the first two {@code ---} lines. A tiny reader, not a YAML parser: it takes {@code key: value} lines without
 * indentation, strips quotes, and for a key with no value takes the first {@code - item} below it. Nested
 * structures are skipped.
 *
 * @param fields top-level front-matter fields, in order
 */
public record ModelCard(Map<String, String> fields) {

    /** Largest card read; longer files are read up to this size. */
    public static final int MAX_BYTES = 1 << 20;

    /** Copies. */
    public ModelCard {
        fields = Map.copyOf(fields);
    }

    /** A card with no front matter. */
    public static ModelCard empty() {
        return new ModelCard(Map.of());
    }

    /** Reads {@code readme}; a missing file gives {@link #empty()}. */
    public static ModelCard read(Path readme) throws IOException {
        if (!Files.isRegularFile(readme)) {
            return empty();
        }
        byte[] b;
        try (var in = Files.newInputStream(readme)) {
            b = in.readNBytes(MAX_BYTES);
        }
        return parse(new String(b, StandardCharsets.UTF_8));
    }

    /** Parses the front matter of a card's text. */
    public static ModelCard parse(String text) {
        List<String> lines = text.replace("\r\n", "\n").lines().toList();
        if (lines.isEmpty() || !lines.get(0).strip().equals("---")) {
            return empty();
        }
        Map<String, String> out = new LinkedHashMap<>();
        String pendingKey = null;
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.strip().equals("---")) {
                break;
            }
            if (pendingKey != null && line.stripLeading().startsWith("- ")) {
                out.putIfAbsent(pendingKey, unquote(line.stripLeading().substring(2)));
                pendingKey = null;
                continue;
            }
            if (line.isEmpty() || Character.isWhitespace(line.charAt(0)) || line.startsWith("#")
                    || line.startsWith("-")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            pendingKey = null;
            if (value.isEmpty()) {
                pendingKey = key;
            } else if (value.startsWith("[") && value.endsWith("]")) {
                String first = value.substring(1, value.length() - 1).split(",")[0];
                if (!first.isBlank()) {
                    out.put(key, unquote(first));
                }
            } else if (!value.startsWith("{") && !value.startsWith("|") && !value.startsWith(">")) {
                out.put(key, unquote(value));
            }
        }
        return new ModelCard(out);
    }

    private static String unquote(String s) {
        String v = s.strip();
        if (v.startsWith("\"") || v.startsWith("'")) {
            int end = v.indexOf(v.charAt(0), 1);
            return end > 0 ? v.substring(1, end) : v.substring(1);
        }
        int hash = v.indexOf(" #");
        return hash >= 0 ? v.substring(0, hash).strip() : v;
    }

    /**
     * The licence id the card declares ({@code license:}), e.g. {@code apache-2.0}; for {@code license: other} the
     * {@code license_name} when given.
     */
    public Optional<String> license() {
        String l = fields.get("license");
        if (l == null || l.isBlank()) {
            return Optional.empty();
        }
        if (l.equals("other") && fields.containsKey("license_name")) {
            return Optional.of(fields.get("license_name"));
        }
        return Optional.of(l);
    }
}
