package io.mesowhisk.mesos.constraints;

/**
 * A constraint configuration was rejected: malformed text, an operator that is not available, or a value the
 * operator does not accept. The message quotes the offending constraint and says what was expected; nothing that
 * was compiled before is affected.
 */
public class ConstraintException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final String constraint;

    public ConstraintException(String constraint, String message) {
        super(message);
        this.constraint = constraint;
    }

    public ConstraintException(String constraint, String message, Throwable cause) {
        super(message, cause);
        this.constraint = constraint;
    }

    /** The constraint text that was rejected (may be {@code null} when the whole configuration was wrong). */
    public String constraint() {
        return constraint;
    }
}
