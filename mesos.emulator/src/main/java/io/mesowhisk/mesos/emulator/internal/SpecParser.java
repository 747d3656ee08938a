package io.mesowhisk.mesos.emulator.internal;

import io.mesowhisk.mesos.v1.Protos.Attribute;
import io.mesowhisk.mesos.v1.Protos.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses agent resources and attributes written in the Mesos agent flag syntax ({@code --resources},
 * {@code --attributes}): {@code name[(role)]:value;...} where value is a number, {@code [a-b,c-d]} ranges,
 * {@code {x,y}} a set, or text (attributes only). Errors name the offending entry.
 */
public final class SpecParser {

    private SpecParser() {
    }

    public static ResourceBag resources(String text) {
        ResourceBag bag = new ResourceBag();
        for (String entry : entries(text)) {
            int colon = entry.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("Invalid resource '" + entry
                    + "': expected name[(role)]:value, e.g. cpus:4 or ports(web):[31000-31099]");
            }
            String name = entry.substring(0, colon).trim();
            String value = entry.substring(colon + 1).trim();
            String role = "*";
            int paren = name.indexOf('(');
            if (paren >= 0) {
                if (!name.endsWith(")")) {
                    throw new IllegalArgumentException("Invalid resource '" + entry + "': unbalanced role parenthesis");
                }
                role = name.substring(paren + 1, name.length() - 1).trim();
                name = name.substring(0, paren).trim();
                String problem = Roles.validate(role);
                if (problem != null) {
                    throw new IllegalArgumentException("Invalid resource '" + entry + "': role " + problem);
                }
            }
            if (name.isEmpty()) {
                throw new IllegalArgumentException("Invalid resource '" + entry + "': empty name");
            }
            if (value.startsWith("[")) {
                bag.addRanges(name, role, ranges(entry, value));
            } else if (value.startsWith("{")) {
                bag.addSet(name, role, set(entry, value));
            } else {
                try {
                    double d = Double.parseDouble(value);
                    if (d < 0 || Double.isNaN(d) || Double.isInfinite(d)) {
                        throw new NumberFormatException();
                    }
                    bag.addScalar(name, role, d);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("Invalid resource '" + entry
                        + "': expected a non-negative number, [begin-end,...] ranges or a {a,b} set");
                }
            }
        }
        return bag;
    }

    public static List<Attribute> attributes(String text) {
        List<Attribute> out = new ArrayList<>();
        for (String entry : entries(text)) {
            int colon = entry.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("Invalid attribute '" + entry + "': expected name:value, e.g. rack:r1");
            }
            String name = entry.substring(0, colon).trim();
            String value = entry.substring(colon + 1).trim();
            Attribute.Builder a = Attribute.newBuilder().setName(name);
            if (value.startsWith("[")) {
                long[] r = ranges(entry, value);
                Value.Ranges.Builder rb = Value.Ranges.newBuilder();
                for (int i = 0; i < r.length; i += 2) {
                    rb.addRange(Value.Range.newBuilder().setBegin(r[i]).setEnd(r[i + 1]));
                }
                a.setType(Value.Type.RANGES).setRanges(rb);
            } else if (value.startsWith("{")) {
                a.setType(Value.Type.SET).setSet(Value.Set.newBuilder().addAllItem(set(entry, value)));
            } else if (isNumber(value)) {
                a.setType(Value.Type.SCALAR).setScalar(Value.Scalar.newBuilder().setValue(Double.parseDouble(value)));
            } else {
                if (value.isEmpty()) {
                    throw new IllegalArgumentException("Invalid attribute '" + entry + "': empty value");
                }
                a.setType(Value.Type.TEXT).setText(Value.Text.newBuilder().setValue(value));
            }
            out.add(a.build());
        }
        return out;
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return !s.isEmpty() && (Character.isDigit(s.charAt(0)) || s.charAt(0) == '-' || s.charAt(0) == '.');
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static List<String> entries(String text) {
        List<String> out = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        for (String e : text.split(";")) {
            if (!e.isBlank()) {
                out.add(e.trim());
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
