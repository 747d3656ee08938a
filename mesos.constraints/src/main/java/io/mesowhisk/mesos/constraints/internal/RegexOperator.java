package io.mesowhisk.mesos.constraints.internal;

import io.mesowhisk.mesos.constraints.CompiledConstraint;
import io.mesowhisk.mesos.constraints.Constraint;
import io.mesowhisk.mesos.constraints.ConstraintOperator;
import io.mesowhisk.mesos.constraints.OfferView;
import io.mesowhisk.mesos.constraints.PlacementContext;
import io.mesowhisk.mesos.constraints.Verdict;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * LIKE and UNLIKE: the value is a Java regular expression that must match the whole value (hostname or the
 * attribute's Mesos text form). A missing attribute fails LIKE and passes UNLIKE (Marathon's rule; the old OpenWhisk
 * code failed both): an agent without {@code pool} is not "like blackbox".
 */
abstract class RegexOperator implements ConstraintOperator {

    private final boolean negated;

    RegexOperator(boolean negated) {
        this.negated = negated;
    }

    @Override
    public CompiledConstraint compile(Constraint constraint) {
        if (constraint.value() == null) {
            throw new IllegalArgumentException("constraint '" + constraint + "': " + constraint.operator()
                    + " needs a value, a Java regular expression matching the whole attribute value, e.g. '"
                    + constraint.attribute() + " " + constraint.operator() + " us-east-1[ab]'");
        }
        Pattern pattern;
        try {
            pattern = Pattern.compile(constraint.value());
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("constraint '" + constraint + "': '" + constraint.value()
                    + "' is not a valid Java regular expression: " + e.getDescription() + " near index " + e.getIndex());
        }
        return new Compiled(constraint, pattern, negated);
    }

    private record Compiled(Constraint constraint, Pattern pattern, boolean negated) implements CompiledConstraint {

        @Override
        public Verdict evaluate(OfferView offer, PlacementContext context) {
            String value = offer.valueOf(constraint.attribute());
            if (value == null) {
                return negated ? Verdict.FITS
                        : Verdict.no(constraint + ": agent " + offer.hostname() + " has no attribute "
                                + constraint.attribute());
            }
            Matcher m = pattern.matcher(value);
            if (m.matches() != negated) {
                return Verdict.FITS;
            }
            return Verdict.no(constraint + ": agent " + offer.hostname() + " has " + constraint.attribute() + "="
                    + value);
        }

        @Override
        public boolean dependsOnPlacements() {
            return false;
        }
    }
}
