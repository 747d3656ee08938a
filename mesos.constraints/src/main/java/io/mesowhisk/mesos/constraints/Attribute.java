package io.mesowhisk.mesos.constraints;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import java.util.Objects;

/**
 * An agent attribute: a name, its {@link AttributeType} and Mesos's text form of its value. Constraints compare the
 * text form, so LIKE/UNLIKE/IS/CLUSTER/UNIQUE/GROUP_BY/MAX_PER work for every type. The text forms are the ones
 * Mesos prints ({@code operator<<} in Mesos's {@code src/common/values.cpp}):
 * <ul>
 * <li>TEXT: the text itself, e.g. {@code us-east-1a}.</li>
 * <li>SCALAR: the value rounded to Mesos's 3-decimal fixed point, printed with up to 15 significant digits and no
 * trailing zeros: {@code 2}, {@code 2.5}, {@code 0.125}, {@code 1e+20} (C++ {@code %.15g} style).</li>
 * <li>RANGES: {@code [31000-31999]}, several ranges joined by comma and space: {@code [1-2, 4-5]}, in the order
 * given (Mesos coalesces and sorts ranges when it parses agent flags).</li>
 * <li>SET: {@code {a, b}}, items joined by comma and space, in the order given.</li>
 * </ul>
 * Instances are immutable and thread-safe.
 */
public final class Attribute {

    private final String name;
    private final AttributeType type;
    private final String text;

    private Attribute(String name, AttributeType type, String text) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("attribute name must not be empty");
        }
        this.name = name;
        this.type = type;
        this.text = Objects.requireNonNull(text, "text");
    }

    /** A TEXT attribute. */
    public static Attribute text(String name, String value) {
        return new Attribute(name, AttributeType.TEXT, Objects.requireNonNull(value, "value of " + name));
    }

    /** A SCALAR attribute; its text form is {@link #scalarText(double)}. */
    public static Attribute scalar(String name, double value) {
        return new Attribute(name, AttributeType.SCALAR, scalarText(value));
    }

    /** A RANGES attribute; its text form is {@link #rangesText(List)}. */
    public static Attribute ranges(String name, List<PortRange> ranges) {
        return new Attribute(name, AttributeType.RANGES, rangesText(ranges));
    }

    /** A SET attribute; its text form is {@link #setText(List)}. */
    public static Attribute set(String name, List<String> items) {
        return new Attribute(name, AttributeType.SET, setText(items));
    }

    /** Attribute name, e.g. {@code zone}. */
    public String name() {
        return name;
    }

    /** Attribute type. */
    public AttributeType type() {
        return type;
    }

    /** Mesos's text form of the value (see the class comment). */
    public String text() {
        return text;
    }

    /**
     * Mesos's text form of a scalar: rounded to 3 decimals (Mesos's fixed point), then at most 15 significant
     * digits without trailing zeros; exponent form {@code 1e+20} below 1e-4 or from 1e15 on, like C++ streams.
     *
     * @throws IllegalArgumentException for NaN or infinite values (Mesos rejects them)
     */
    public static String scalarText(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("scalar value must be finite, got " + value);
        }
        if (Math.abs(value) < 1e12) {
            // the common case, without BigDecimal: below 1e12 the fixed-point value has at most 15 significant
            // digits, so rounding to 15 digits changes nothing and the text is the fixed-point number itself
            long fixed = Math.round(Math.abs(value) * 1000);   // llround: half away from zero
            if (fixed == 0) {
                return "0";
            }
            StringBuilder sb = new StringBuilder(20);
            if (value < 0) {
                sb.append('-');
            }
            sb.append(fixed / 1000);
            int frac = (int) (fixed % 1000);
            if (frac != 0) {
                sb.append('.').append((char) ('0' + frac / 100));
                if (frac % 100 != 0) {
                    sb.append((char) ('0' + frac / 10 % 10));
                    if (frac % 10 != 0) {
                        sb.append((char) ('0' + frac % 10));
                    }
                }
            }
            return sb.toString();
        }
        return scalarTextExact(value);
    }

    /** {@link #scalarText(double)} by the definition, with BigDecimal: for any finite value (tests compare both). */
    static String scalarTextExact(double value) {
        double rounded = value;
        if (Math.abs(value) < 9e15) {   // beyond that value * 1000 does not fit a long (Mesos's llround overflows)
            long fixed = Math.round(Math.abs(value) * 1000);   // llround: half away from zero
            rounded = (fixed / 1000) + (fixed % 1000) / 1000.0;
            if (value < 0) {
                rounded = -rounded;
            }
        }
        if (rounded == 0) {
            return "0";
        }
        BigDecimal bd = new BigDecimal(rounded).round(new MathContext(15));
        int exponent = bd.precision() - bd.scale() - 1;
        if (exponent < -4 || exponent >= 15) {
            BigDecimal mantissa = bd.movePointLeft(exponent).stripTrailingZeros();
            String sign = exponent < 0 ? "-" : "+";
            int abs = Math.abs(exponent);
            return mantissa.toPlainString() + "e" + sign + (abs < 10 ? "0" : "") + abs;
        }
        return bd.stripTrailingZeros().toPlainString();
    }

    /** Mesos's text form of ranges: {@code [b-e, b-e]}. */
    public static String rangesText(List<PortRange> ranges) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < ranges.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(ranges.get(i));
        }
        return sb.append(']').toString();
    }

    /** Mesos's text form of a set: {@code {a, b}}. */
    public static String setText(List<String> items) {
        return "{" + String.join(", ", items) + "}";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Attribute a && a.name.equals(name) && a.type == type && a.text.equals(text);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, text);
    }

    @Override
    public String toString() {
        return name + ":" + text + " (" + type + ")";
    }
}
