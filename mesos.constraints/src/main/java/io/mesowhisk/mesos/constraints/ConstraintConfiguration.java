package io.mesowhisk.mesos.constraints;

import java.util.List;
import java.util.Objects;

/**
 * OpenWhisk's two constraint lists, compiled: {@code constraints} for managed (runtime) images and
 * {@code blackbox-constraints} for user-provided images, both split with {@code constraint-delimiter}. Immutable.
 *
 * @param managed constraints for tasks of managed images
 * @param blackbox constraints for tasks of blackbox (user-provided) images
 */
public record ConstraintConfiguration(ConstraintSet managed, ConstraintSet blackbox) {

    /** OpenWhisk's default {@code constraint-delimiter}: one space. */
    public static final String DEFAULT_DELIMITER = " ";

    /** No constraints for either kind of image. */
    public static final ConstraintConfiguration NONE = new ConstraintConfiguration(ConstraintSet.NONE, ConstraintSet.NONE);

    public ConstraintConfiguration {
        Objects.requireNonNull(managed, "managed");
        Objects.requireNonNull(blackbox, "blackbox");
    }

    /**
     * Compiles both lists. Nothing is returned unless both compile, so a caller that keeps its previous configuration
     * on error never ends up with half a configuration.
     *
     * @throws ConstraintException whose message starts with the list ({@code constraints} or
     *         {@code blackbox-constraints}) and quotes the offending constraint
     */
    public static ConstraintConfiguration compile(ConstraintCompiler compiler, List<String> managed,
            List<String> blackbox, String delimiter) {
        return new ConstraintConfiguration(compileList(compiler, "constraints", managed, delimiter),
                compileList(compiler, "blackbox-constraints", blackbox, delimiter));
    }

    private static ConstraintSet compileList(ConstraintCompiler compiler, String name, List<String> list,
            String delimiter) {
        try {
            return compiler.compile(list, delimiter);
        } catch (ConstraintException e) {
            throw new ConstraintException(e.constraint(), name + ": " + e.getMessage(), e);
        }
    }

    /** The set for a task of a blackbox ({@code true}) or managed ({@code false}) image. */
    public ConstraintSet forImage(boolean blackboxImage) {
        return blackboxImage ? blackbox : managed;
    }
}
