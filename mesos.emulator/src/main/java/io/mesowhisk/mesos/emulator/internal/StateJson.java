package io.mesowhisk.mesos.emulator.internal;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;

/** A minimal streaming JSON writer for the read-only state views. Not thread-safe. */
final class StateJson {

    private final StringBuilder out = new StringBuilder(1024);
    private boolean needComma;

    void begin() {
        comma();
        out.append('{');
        needComma = false;
    }

    void array() {
        out.append('[');
        needComma = false;
    }

    void end(char c) {
        out.append(c);
        needComma = true;
    }

    StateJson key(String k) {
        comma();
        MesosJson.string(k, out);
        out.append(':');
        needComma = false;
        return this;
    }

    void field(String k, Object v) {
        key(k);
        value(v);
    }

    void value(Object v) {
        comma();
        if (v == null) {
            out.append("null");
        } else if (v instanceof String s) {
            MesosJson.string(s, out);
        } else if (v instanceof Double d) {
            number(d, out);
        } else {
            out.append(v);
        }
        needComma = true;
    }

    void map(Map<String, Object> m) {
        begin();
        for (Map.Entry<String, Object> e : m.entrySet()) {
            field(e.getKey(), e.getValue());
        }
        end('}');
    }

    void strings(List<String> list) {
        array();
        for (String s : list) {
            value(s);
        }
        end(']');
    }

    private void comma() {
        if (needComma) {
            out.append(',');
            needComma = false;
        }
    }

    @Override
    public String toString() {
        return out.toString();
    }

    /**
     * A double as stout's {@code NumberWriter} prints it (M:3rdparty/stout/include/stout/jsonify.hpp): {@code %#.15g}
     * with the trailing zeros cut and at least one digit after the point, so 0 is {@code 0.0}, 0.1 is {@code 0.1} and
     * a timestamp is {@code 1700000000.12346}, never in exponent form. Outside the plain range of {@code %g} (below
     * 1e-4 or from 1e15) Java's own form is used; no state value is that small or large.
     */
    static void number(double d, StringBuilder out) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            MesosJson.string(Double.isNaN(d) ? "NaN" : (d > 0 ? "Infinity" : "-Infinity"), out);
            return;
        }
        if (d == 0) {
            out.append(1 / d < 0 ? "-0.0" : "0.0");
            return;
        }
        BigDecimal b = new BigDecimal(d).round(new MathContext(15, RoundingMode.HALF_EVEN));
        int exponent = b.precision() - b.scale() - 1;
        if (exponent < -4 || exponent >= 15) {
            out.append(d);
            return;
        }
        String s = b.toPlainString();
        if (s.indexOf('.') < 0) {
            out.append(s).append(".0");
            return;
        }
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        out.append(s, 0, end);
        if (s.charAt(end - 1) == '.') {
            out.append('0');
        }
    }
}
