package io.mesowhisk.mesos.constraints;

import java.util.regex.Pattern;

/**
 * One parsed constraint: {@code <attribute><delimiter><OPERATOR>[<delimiter><value>]}. The attribute is an agent
 * attribute name or {@value OfferView#HOSTNAME}; the operator is an upper-case name ({@code LIKE}, {@code UNIQUE},
 * ...); the value is everything after the second delimiter (so a regex may contain the delimiter) and is
 * {@code null} when absent. Whether a value is required is up to the operator.
 *
 * @param attribute attribute name, non-empty
 * @param operator operator name, {@code [A-Z][A-Z0-9_]*}
 * @param value the value, non-empty, or {@code null}
 */
public record Constraint(String attribute, String operator, String value) {

    private static final Pattern OPERATOR = Pattern.compile("[A-Z][A-Z0-9_]*");

    /** @throws ConstraintException if a part is empty or the operator is not an upper-case name */
    public Constraint {
        String text = attribute + " " + operator + (value == null ? "" : " " + value);
        if (attribute == null || attribute.isEmpty()) {
            throw new ConstraintException(text, "constraint '" + text + "': attribute must not be empty");
        }
        if (operator == null || !OPERATOR.matcher(operator).matches()) {
            throw new ConstraintException(text, "constraint '" + text + "': operator '" + operator
                    + "' must be an upper-case name such as LIKE, UNLIKE or UNIQUE");
        }
        if (value != null && value.isEmpty()) {
            throw new ConstraintException(text, "constraint '" + text + "': value must not be empty when given");
        }
    }

    /**
     * Parses {@code text} with the given delimiter (OpenWhisk's {@code constraint-delimiter}, default one space).
     *
     * @throws ConstraintException quoting {@code text} and the expected form if it is malformed
     */
    public static Constraint parse(String text, String delimiter) {
        if (delimiter == null || delimiter.isEmpty()) {
            throw new ConstraintException(text, "constraint delimiter must not be empty");
        }
        if (text == null || text.isBlank()) {
            throw malformed(String.valueOf(text), delimiter, "it is empty");
        }
        int first = text.indexOf(delimiter);
        if (first < 0) {
            throw malformed(text, delimiter, "the delimiter does not occur");
        }
        String attribute = text.substring(0, first);
        String rest = text.substring(first + delimiter.length());
        int second = rest.indexOf(delimiter);
        String operator = second < 0 ? rest : rest.substring(0, second);
        String value = second < 0 ? null : rest.substring(second + delimiter.length());
        if (attribute.isEmpty()) {
            throw malformed(text, delimiter, "the attribute is empty");
        }
        if (operator.isEmpty()) {
            throw malformed(text, delimiter, "the operator is empty");
        }
        if (!OPERATOR.matcher(operator).matches()) {
            throw malformed(text, delimiter, "the operator '" + operator + "' is not an upper-case name");
        }
        if (value != null && value.isEmpty()) {
            throw malformed(text, delimiter, "the value after the second delimiter is empty");
        }
        return new Constraint(attribute, operator, value);
    }

    private static ConstraintException malformed(String text, String delimiter, String why) {
        return new ConstraintException(text, "malformed constraint '" + text + "' (" + why + "): expected "
                + "<attribute><delimiter><OPERATOR>[<delimiter><value>] with delimiter '" + delimiter
                + "', e.g. 'zone" + delimiter + "LIKE" + delimiter + "us-east-1[ab]' or 'hostname" + delimiter
                + "UNIQUE'");
    }

    /** The constraint with a single space as delimiter, e.g. {@code zone LIKE [ab]}. */
    @Override
    public String toString() {
        return value == null ? attribute + " " + operator : attribute + " " + operator + " " + value;
    }
}
