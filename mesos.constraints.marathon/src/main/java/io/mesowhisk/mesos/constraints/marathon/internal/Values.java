package io.mesowhisk.mesos.constraints.marathon.internal;

import io.mesowhisk.mesos.constraints.Constraint;

/** Value checks shared by the operators; messages quote the constraint and say what was expected. */
final class Values {

    private Values() {
    }

    static void none(Constraint c) {
        if (c.value() != null) {
            throw new IllegalArgumentException("constraint '" + c + "': " + c.operator() + " takes no value, e.g. '"
                    + c.attribute() + " " + c.operator() + "'");
        }
    }

    static String required(Constraint c, String example) {
        if (c.value() == null) {
            throw new IllegalArgumentException("constraint '" + c + "': " + c.operator() + " needs a value, e.g. '"
                    + c.attribute() + " " + c.operator() + " " + example + "'");
        }
        return c.value();
    }

    /** A whole number {@code >= min}, or {@code inf} when allowed (Integer.MAX_VALUE, as Marathon). */
    static int count(Constraint c, int min, boolean infAllowed) {
        String v = c.value();
        if (infAllowed && "inf".equals(v)) {
            return Integer.MAX_VALUE;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException("constraint '" + c + "': " + c.operator() + " needs a whole number >= "
                + min + (infAllowed ? " or 'inf'" : "") + ", got '" + v + "'");
    }
}
