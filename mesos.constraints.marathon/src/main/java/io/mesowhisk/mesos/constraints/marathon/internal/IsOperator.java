package io.mesowhisk.mesos.constraints.marathon.internal;

import io.mesowhisk.mesos.constraints.CompiledConstraint;
import io.mesowhisk.mesos.constraints.Constraint;
import io.mesowhisk.mesos.constraints.ConstraintOperator;
import io.mesowhisk.mesos.constraints.OfferView;
import io.mesowhisk.mesos.constraints.PlacementContext;
import io.mesowhisk.mesos.constraints.Verdict;
import org.osgi.service.component.annotations.Component;

/**
 * {@code <field> IS <value>} (Marathon): the value of {@code field} (hostname or the attribute's Mesos text form,
 * e.g. {@code 2.5}, {@code [1-2, 4-5]}, {@code {a, b}}) equals {@code value} exactly. A missing attribute does not fit.
 */
@Component(service = ConstraintOperator.class, property = ConstraintOperator.NAME_PROPERTY + "=IS")
public final class IsOperator implements ConstraintOperator {

    @Override
    public CompiledConstraint compile(Constraint c) {
        Values.required(c, "rack-1");
        return new Equals(c);
    }

    /** Placement-independent equality, shared with CLUSTER with a value. */
    record Equals(Constraint constraint) implements CompiledConstraint {
        @Override
        public Verdict evaluate(OfferView offer, PlacementContext context) {
            String v = offer.valueOf(constraint.attribute());
            if (v == null) {
                return Verdict.no(constraint + ": agent " + offer.hostname() + " has no attribute "
                        + constraint.attribute());
            }
            return v.equals(constraint.value()) ? Verdict.FITS
                    : Verdict.no(constraint + ": agent " + offer.hostname() + " has " + constraint.attribute() + "=" + v);
        }

        @Override
        public boolean dependsOnPlacements() {
            return false;
        }
    }
}
