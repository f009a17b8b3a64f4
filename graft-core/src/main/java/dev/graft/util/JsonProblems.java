package dev.graft.util;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Says in a user's words what is wrong with a JSON file that Jackson could not read: which field has the wrong type,
 * where the text breaks off, what is nested too deeply. Jackson's own messages name its classes and settings
 * ({@code StreamReadConstraints}, reference chains, {@code JsonToken.START_ARRAY}), which mean nothing to a user.
 */
public final class JsonProblems {

    private JsonProblems() {
    }

    /** A short description of {@code e}, with the line and column where Jackson stopped when it knows them. */
    public static String describe(JacksonException e) {
        String where = where(e.getLocation());
        if (e instanceof StreamConstraintsException) {
            String m = String.valueOf(e.getOriginalMessage()).toLowerCase(Locale.ROOT);
            return (m.contains("nesting depth") ? "values are nested more deeply than a JSON reader accepts (over 1000 levels)"
                    : m.contains("length") ? "a value is longer than a JSON reader accepts" : "it exceeds what a JSON reader accepts")
                    + where;
        }
        if (e instanceof JsonEOFException || String.valueOf(e.getOriginalMessage()).startsWith("Unexpected end-of-input")) {
            return "it ends in the middle of a value: the text is cut off" + where;
        }
        String original = String.valueOf(e.getOriginalMessage());
        if (original.startsWith("Duplicate field '")) {
            return Excerpt.of(original) + where; // a repeated key, named
        }
        if (e instanceof UnrecognizedPropertyException u) {
            return "unknown field '" + Excerpt.of(u.getPropertyName()) + "'" + where;
        }
        if (e instanceof MismatchedInputException m) {
            String field = path(m.getPath());
            String expected = m.getTargetType() == null ? "another kind of value" : kind(m.getTargetType());
            return (field.isEmpty() ? "a value" : "field '" + field + "'") + " should be " + expected + where;
        }
        if (e instanceof DatabindException d) {
            String field = d instanceof JsonMappingException jm ? path(jm.getPath()) : "";
            return (field.isEmpty() ? "a value" : "field '" + field + "'") + " is not valid here" + where;
        }
        return "the text is not well-formed JSON" + where;
    }

    private static String where(JsonLocation loc) {
        if (loc == null || loc.getLineNr() < 1) {
            return "";
        }
        return " (line " + loc.getLineNr() + (loc.getColumnNr() > 0 ? ", column " + loc.getColumnNr() : "") + ")";
    }

    private static String path(List<JsonMappingException.Reference> refs) {
        return refs.stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : r.getIndex() >= 0 ? "[" + r.getIndex() + "]" : "?")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String kind(Class<?> type) {
        if (type == int.class || type == long.class || type == Integer.class || type == Long.class || type == short.class) {
            return "a whole number";
        }
        if (type == double.class || type == float.class || type == Double.class || type == Float.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.stream(type.getEnumConstants()).map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", "));
        }
        if (type.isArray() || java.util.Collection.class.isAssignableFrom(type)) {
            return "a list";
        }
        return "an object";
    }
}
