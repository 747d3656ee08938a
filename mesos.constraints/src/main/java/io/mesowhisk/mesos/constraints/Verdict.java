package io.mesowhisk.mesos.constraints;

/**
 * The answer of a constraint for one offer: fits, or does not fit and why. "Does not fit" is an answer, never an
 * exception. Reasons are meant for people (the scheduler's "why is this task still pending" view).
 *
 * @param fits whether the offer satisfies the constraint
 * @param reason why not, or {@code ""} when it fits
 */
public record Verdict(boolean fits, String reason) {

    /** The shared "fits" answer. */
    public static final Verdict FITS = new Verdict(true, "");

    public Verdict {
        if (reason == null) {
            throw new IllegalArgumentException("reason must not be null");
        }
        if (!fits && reason.isEmpty()) {
            throw new IllegalArgumentException("a negative verdict needs a reason");
        }
    }

    /** A negative verdict. */
    public static Verdict no(String reason) {
        return new Verdict(false, reason);
    }
}
