package io.mesowhisk.mesos.emulator.internal;

import io.mesowhisk.mesos.v1.Protos.Attribute;
import io.mesowhisk.mesos.v1.Protos.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses agent resources and attributes written in the Mesos agent flag syntax ({@code --resources},
 * {@code --attributes}) as Mesos does (M:src/common/resources.cpp {@code fromSimpleString}, M:src/common/attributes.cpp
 * {@code Attributes::parse}, M:src/common/values.cpp {@code parse}): {@code name[(role)]:value} entries separated by
 * {@code ;} (and newlines for attributes); spaces in a value are dropped; a value is {@code [a-b,c-d]} ranges,
 * {@code {x,y}} a set (resources only), a number, or else text (attributes only). Errors name the offending entry
 * and carry Mesos's own text.
 */
public final class SpecParser {

    private SpecParser() {
    }

    /** A parsed value: exactly one of the fields is set. */
    private record Parsed(long[] ranges, List<String> set, Double scalar, String text) {
    }

    private static final java.util.regex.Pattern NUMBER = java.util.regex.Pattern.compile(
        "[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?|[+-]?(inf|infinity|nan)", java.util.regex.Pattern.CASE_INSENSITIVE);

    /**
     * {@code --resources}: a JSON array of Resource objects, as {@code Resources::fromString} tries first (roles as
     * {@code role} or {@code reservations}), else the {@code name(role):value;...} text.
     */
    public static ResourceBag resources(String text) {
        if (text != null && text.strip().startsWith("[")) {
            return jsonResources(text);
        }
        ResourceBag bag = new ResourceBag();
        for (String entry : entries(text, ";")) {
            String[] pair = Arrays.stream(entry.split(":")).filter(t -> !t.isEmpty()).toArray(String[]::new);
            if (pair.length != 2) {
                throw new IllegalArgumentException("Invalid resource '" + entry
                    + "': Bad value for resources, missing or extra ':' in " + entry);
            }
            String name = pair[0].trim();
            String role = "*";
            int open = pair[0].indexOf('(');
            if (open >= 0) {
                int close = pair[0].indexOf(')');
                if (close < open) {
                    throw new IllegalArgumentException("Invalid resource '" + entry
                        + "': Bad value for resources, mismatched parentheses in " + entry);
                }
                name = pair[0].substring(0, open).trim();
                role = pair[0].substring(open + 1, close).trim();
                String problem = Roles.validate(role);
                if (problem != null) {
                    throw new IllegalArgumentException("Invalid resource '" + entry + "': role " + problem);
                }
            }
            if (name.isEmpty()) {
                throw new IllegalArgumentException("Invalid resource '" + entry + "': empty name");
            }
            Parsed v;
            try {
                v = value(entry, pair[1]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Invalid resource '" + entry + "': Failed to parse resource " + name
                    + " value " + pair[1] + " error " + e.getMessage());
            }
            if (v.ranges() != null) {
                bag.addRanges(name, role, v.ranges());
            } else if (v.set() != null) {
                bag.addSet(name, role, v.set());
            } else if (v.scalar() != null) {
                double d = v.scalar();
                if (d < 0 || Double.isNaN(d) || Double.isInfinite(d)) {
                    throw new IllegalArgumentException("Invalid resource '" + entry
                        + "': expected a non-negative number, [begin-end,...] ranges or a {a,b} set");
                }
                bag.addScalar(name, role, d);
            } else {
                throw new IllegalArgumentException("Invalid resource '" + entry + "': Bad type for resource " + name
                    + " value " + pair[1] + " type TEXT");
            }
        }
        return bag;
    }

    private static ResourceBag jsonResources(String text) {
        List<io.mesowhisk.mesos.v1.Protos.Resource> list = new ArrayList<>();
        try {
            Object json = MesosJson.parse(text);
            if (!(json instanceof List<?> items)) {
                throw new IllegalArgumentException("Invalid resources JSON: expected an array of Resource objects");
            }
            for (Object item : items) {
                list.add(MesosJson.merge(item, io.mesowhisk.mesos.v1.Protos.Resource.newBuilder()).build());
            }
        } catch (MesosJson.JsonException e) {
            throw new IllegalArgumentException("Invalid resources JSON: " + e.getMessage());
        }
        return ResourceBag.fromProtos(list);
    }

    public static List<Attribute> attributes(String text) {
        List<Attribute> out = new ArrayList<>();
        for (String entry : entries(text, ";\n")) {
            int colon = entry.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("Invalid attribute '" + entry
                    + "': Invalid attribute key:value pair '" + entry + "'");
            }
            String name = entry.substring(0, colon);
            String raw = entry.substring(colon + 1);
            Parsed v;
            try {
                v = value(entry, raw);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Invalid attribute '" + entry + "': Failed to parse attribute "
                    + name + " text " + raw + " error " + e.getMessage());
            }
            Attribute.Builder a = Attribute.newBuilder().setName(name);
            if (v.ranges() != null) {
                Value.Ranges.Builder rb = Value.Ranges.newBuilder();
                for (int i = 0; i < v.ranges().length; i += 2) {
                    rb.addRange(Value.Range.newBuilder().setBegin(v.ranges()[i]).setEnd(v.ranges()[i + 1]));
                }
                a.setType(Value.Type.RANGES).setRanges(rb);
            } else if (v.set() != null) {
                throw new IllegalArgumentException("Invalid attribute '" + entry + "': Bad type for attribute " + name
                    + " text " + raw + " type SET");
            } else if (v.scalar() != null) {
                a.setType(Value.Type.SCALAR).setScalar(Value.Scalar.newBuilder().setValue(v.scalar()));
            } else {
                a.setType(Value.Type.TEXT).setText(Value.Text.newBuilder().setValue(v.text()));
            }
            out.add(a.build());
        }
        return out;
    }

    /** {@code values::parse}: spaces dropped, brackets checked, then ranges, set, number or text. */
    private static Parsed value(String entry, String text) {
        String v = text.replace(" ", "");
        if (v.isEmpty()) {
            throw new IllegalArgumentException("Expecting non-empty string");
        }
        if (!balanced(v, '{', '}') || !balanced(v, '[', ']') || !balanced(v, '(', ')')) {
            throw new IllegalArgumentException("Mismatched brackets");
        }
        int bracket = v.indexOf('[');
        if (bracket == 0) {
            return new Parsed(ranges(entry, v), null, null, null);
        }
        if (bracket > 0) {
            throw new IllegalArgumentException("Unexpected '[' found");
        }
        int brace = v.indexOf('{');
        if (brace == 0) {
            return new Parsed(null, set(entry, v), null, null);
        }
        if (brace > 0) {
            throw new IllegalArgumentException("Unexpected '{' found");
        }
        if (NUMBER.matcher(v).matches()) {
            return new Parsed(null, null, Double.parseDouble(v.toLowerCase().replace("infinity", "Infinity")
                .replace("inf", "Infinity").replace("nan", "NaN")), null);
        }
        return new Parsed(null, null, null, v);
    }

    /** {@code strings::checkBracketsMatching}: never more closing than opening, and all closed at the end. */
    private static boolean balanced(String s, char open, char close) {
        int depth = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == open) {
                depth++;
            } else if (s.charAt(i) == close && --depth < 0) {
                return false;
            }
        }
        return depth == 0;
    }

    /** {@code strings::tokenize}: split on any of {@code separators}, empty tokens dropped. */
    private static List<String> entries(String text, String separators) {
        List<String> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        for (String e : text.split("[" + separators + "]")) {
            if (!e.isEmpty()) {
                out.add(e);
            }
        }
        return out;
    }

    private static long[] ranges(String entry, String value) {
        if (!value.endsWith("]")) {
            throw new IllegalArgumentException("Invalid ranges in '" + entry + "': missing ']'");
        }
        String inner = value.substring(1, value.length() - 1).trim();
        List<Long> bounds = new ArrayList<>();
        if (!inner.isEmpty()) {
            for (String part : inner.split(",")) {
                String[] be = part.trim().split("-");
                try {
                    long b = Long.parseLong(be[0].trim());
                    long e = be.length == 2 ? Long.parseLong(be[1].trim()) : -1;
                    if (be.length != 2 || b > e || b < 0) {
                        throw new NumberFormatException();
                    }
                    bounds.add(b);
                    bounds.add(e);
                } catch (NumberFormatException | ArrayIndexOutOfBoundsException ex) {
                    throw new IllegalArgumentException("Invalid range '" + part.trim() + "' in '" + entry
                        + "': expected begin-end with 0 <= begin <= end");
                }
            }
        }
        return ResourceBag.normalize(bounds.stream().mapToLong(Long::longValue).toArray());
    }

    private static List<String> set(String entry, String value) {
        if (!value.endsWith("}")) {
            throw new IllegalArgumentException("Invalid set in '" + entry + "': missing '}'");
        }
        String inner = value.substring(1, value.length() - 1).trim();
        if (inner.isEmpty()) {
            return List.of();
        }
        return Arrays.stream(inner.split(",")).map(String::trim).toList();
    }
}
