package io.mesowhisk.mesos.emulator.internal;

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
            out.append(d == Math.rint(d) && Math.abs(d) < 1e15 ? ((long) (double) d) + ".0" : d.toString());
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
}
