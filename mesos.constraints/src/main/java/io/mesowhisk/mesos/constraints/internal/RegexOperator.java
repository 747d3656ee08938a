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
 * attribute's Mesos text form). An agent without the attribute fails both LIKE and UNLIKE, as the old OpenWhisk Mesos
 * support (mesos-actor) placed, so an operator's existing configuration keeps its meaning: {@code pool UNLIKE blackbox}
 * keeps containers off agents that have no {@code pool} attribute. (Marathon lets UNLIKE pass there; we do not.)
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
                return Verdict.no(constraint + ": agent " + offer.hostname() + " has no attribute "
                        + constraint.attribute() + (negated ? " (UNLIKE needs the attribute, as LIKE does)" : ""));
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
